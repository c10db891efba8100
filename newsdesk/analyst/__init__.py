"""The analyst's side: corrections (merge, split), search, reports, exports and schema docs.

Everything here reads or corrects a loaded database; none of it is a pipeline stage.
"""
