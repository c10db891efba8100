"""Limits whose defaults both the settings (the environment) and the stages' own options use,
written once here. Plain constants: importing this costs nothing."""

# An input larger than this is rejected before it is decoded: a news page, even with its
# markup, is well under a megabyte; ten leaves room for pages that inline their images.
MAX_INPUT_BYTES = 10_000_000
# HTML nested deeper than this is flattened to text before parsing (lxml and the tree walks
# recurse); real pages stay under ~60 levels.
MAX_HTML_DEPTH = 400
