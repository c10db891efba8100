"""Compiled, module-level patterns for the line rules, each with how it was chosen.

Every pattern describes a *class* of page furniture seen across news sites (ad slots, newsletter
promos, video players, photo credits, widgets), never one publisher's exact string. Patterns
match a whole line after `strip()`; the line rules in `text.py` add context (position, length,
neighbours) before removing anything.
"""

from __future__ import annotations

import re

# Ad-slot labels that ad servers leave as a line of their own, optionally framed by dashes or
# bullets ("- Advertisement -", "ADVERTISEMENT", "Story continues below advertisement").
ADVERT = re.compile(
    r"^[\W_]*(?:advertisement|advertising|advert|ads?|ad\s+feedback|sponsored(?:\s+(?:content|links?|post))?"
    r"|paid\s+(?:content|post|partnership)|promoted(?:\s+content)?|partner\s+content"
    r"|story\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?(?:advertisement|ad))?"
    r"|(?:article\s+)?continues?\s+(?:reading\s+)?(?:below|after\s+(?:the\s+)?(?:ad|advertisement))"
    r"|scroll\s+(?:down\s+)?to\s+continue(?:\s+(?:reading|with\s+content))?"
    r"|advertisement[\W_]+(?:page|story|article|content)\s+continues?(?:\s+below)?)[\W_]*$",
    re.IGNORECASE,
)

# The first line of a newsletter / app / membership promo. Anchored imperative openers that
# news sites use for these boxes; a length cap (PROMO_MAX_WORDS in text.py) keeps body
# sentences that happen to start the same way.
PROMO_HEAD = re.compile(
    r"^(?:get\s+more\s+(?:with|from|of)|sign\s+up\s+(?:for|to|now|today|here)|subscribe\s+(?:to|for|now|today)"
    r"|join\s+(?:our|the|us)|download\s+(?:our|the)|get\s+(?:our|the)\s+\w+(?:\s+\w+)?\s+(?:newsletter|app)"
    r"|never\s+miss|don[’']?t\s+miss\s+(?:out|a\s+story)|stay\s+(?:informed|up\s+to\s+date|updated|in\s+the\s+know)"
    r"|want\s+(?:more|the\s+latest)|enjoy\s+unlimited|unlock\s+(?:unlimited|full|more)"
    r"|support\s+(?:our|independent|quality)\s+journalism|become\s+a\s+(?:member|subscriber|supporter)"
    r"|(?:our|the)\s+\w+\s+newsletter|newsletter\s*(?:sign[-\s]?up)?\b|follow\s+us\s+on)\b",
    re.IGNORECASE,
)

# Calls to action that close a promo box or stand alone as a button label.
CALL_TO_ACTION = re.compile(
    r"^(?:learn\s+more|read\s+more|find\s+out\s+more|sign\s+up(?:\s+(?:now|here|today|free))?"
    r"|subscribe(?:\s+(?:now|here|today))?|register(?:\s+now)?|log\s*in|sign\s+in|try\s+(?:it\s+)?(?:now|free)"
    r"|download(?:\s+(?:now|the\s+app))?|click\s+here(?:\s+.{0,40})?|see\s+more|show\s+more|load\s+more"
    r"|view\s+more|continue\s+reading|more\s+info(?:rmation)?|get\s+started|start\s+(?:your\s+)?free\s+trial"
    r"|explore\s+(?:more|now)|discover\s+more)[\W_]*$",
    re.IGNORECASE,
)

# A video player's duration badge on its own line: "02:43", "1:02:15", "(3:10)".
VIDEO_DURATION = re.compile(r"^[(\[]?\s*\d{1,2}:\d{2}(?::\d{2})?\s*[)\]]?$")

# Player chrome that labels a video or audio block: "Watch: ...", "VIDEO: ...", "Now playing".
VIDEO_LABEL = re.compile(
    r"^(?:(?:watch|video|listen|audio|play\s+video|now\s+playing|up\s+next|replay|watch\s+now|"
    r"watch\s+live|live\s+video)\b\s*(?:[:|–—-]|$))",
    re.IGNORECASE,
)

# Photo credits that end a caption: "... Photo: AFP", "... Picture by Jane Roe", "... [YONHAP]",
# "... (AP Photo/John Doe)", "... /Getty Images", "Courtesy of Jo Roe/Instagram", "... Jo
# Roe/Courier Staff", "... in May. (AP)", "... in May. © Agency / Jo Roe", "... REUTERS/Jo
# Roe/File Photo". The credit words are the generic vocabulary of picture desks and the wire
# agencies' names, and may stand glued to the caption as scrapers join them ("... a rabbitCredit:
# Alamy"); bracketed credits must be capitals (agency style) and a bare "(AP)" must follow a
# sentence's end, so ordinary brackets in prose do not match. Each alternative starts with a
# literal or a character class, not a word boundary, so the search skips ahead fast (a leading
# \b or lookbehind made the scan of a whole page's lines twice as slow).
_WIRE_AGENCY = r"(?:REUTERS|Reuters|AFP|EPA|AP|Xinhua|XINHUA|ANP|dpa|Yonhap|YONHAP|KCNA|TASS|UPI)"
PHOTO_CREDIT = re.compile(
    r"(?:(?:Photos?|PHOTOS?|Photograph|Picture|PICTURE|Pic|Image|IMAGE|Illustration|Graphic"
    r"|File\s+photo|FILE\s+PHOTO|Handout|Credit|CREDIT|Photo\s+credit)\s*(?::|by\b|/|\|)\s*"
    r"[^.!?]{1,60}[.]?$"
    r"|\[(?:[A-Z0-9][A-Z0-9 .,&/'’-]{1,40})\]$"
    r"|\((?:[^()]{0,40}\b)?(?:Photos?|PHOTO|Picture|Image|File\s+photo|Handout)\b[^()]{0,60}\)$"
    r"|(?:Getty\s+Images|Shutterstock|Alamy|AP\s+Photo|EPA-EFE|iStock)\b[^.!?]{0,40}$"
    r"|(?:(?:Photos?|Images?|Pictures?)\s+courtesy\s+(?:of\s+)?|Courtesy\s+(?:of\s+)?(?=[A-Z]))"
    r"[^.!?]{1,60}[.]?$"
    r"|/\s*(?:[A-Z][\w.&'’-]*\s+){0,4}(?:Staff|Staff\s+Photographer|Contributor)$"
    r"|[.!?”\"’]\s*(?:\([A-Z]{2,8}\)|©\s*(?!\d|Copyright)[A-Z][^©.!?]{1,50})$"
    rf"|{_WIRE_AGENCY}\s*/\s*[A-Z][^.!?/]{{1,40}}(?:/\s*(?:File\s+)?Photo\b)?[^.!?]{{0,60}}$)"
)
# A weather widget's temperature reading: "68.7 F", "21°C", "-3 °C".
TEMPERATURE = re.compile(r"^-?\d{1,3}(?:[.,]\d{1,2})?\s*°?\s*[FC]$")

# Weather words a widget prints under the temperature.
WEATHER_WORD = re.compile(
    r"^(?:sunny|cloudy|partly\s+cloudy|mostly\s+(?:sunny|cloudy)|clear|rain|showers|light\s+rain"
    r"|snow|fog|haze|overcast|thunderstorms?|windy|drizzle|mist|humid(?:ity)?[:\s\d%]*)$",
    re.IGNORECASE,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_TIME = (
    r"(?:\s*[,|·-]?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?"
    r"(?:\s*[A-Z]{2,5}|\s*[+-]\d{2}:?\d{2})?)?"
)

# A line that is only a date (optionally "Published/Updated", a weekday and a time): a dateline,
# or a widget's "today". Which one it is depends on its neighbours (text.py).
DATE_LINE = re.compile(
    r"^(?:(?:first\s+)?(?:published|updated|posted|last\s+updated|modified|date)\s*(?:on|at)?\s*:?\s*)?"
    rf"(?:{_WEEKDAY}\s*,?\s*)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s*\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s*,?\s*\d{{4}}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})"
    rf"{_TIME}\s*$",
    re.IGNORECASE,
)

# Where a byline's names end and its date begins: "By Jo Roe - 12/22/23 11:35 AM ET", "Jo Roe
# on March 3, 2024", "Jo Roe • 12/11/23", "By Jo Roe Updated 3 hours ago", "Jo Roe Dec. 21,
# 2023". The names are read from what stands before the match.
BYLINE_DATE_TAIL = re.compile(
    r"(?:\s*[-–—|•·,]\s*|\s+(?:on|at)\s+)"
    rf"(?:{_WEEKDAY}\s*,?\s*)?"
    rf"(?:\d{{1,4}}[/.-]\d{{1,2}}|\d{{1,2}}[:.]\d{{2}}|{_MONTH}\s+\d|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH})"
    r".*$"
    r"|\s*[-–—|•·,]?\s*\b(?:(?:last\s+)?updated|published|posted)\b.*$"
    # A whole date with its year needs no separator: "By Jo Roe Dec. 21, 2023 11:00 pm EST".
    rf"|\s+{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b.*$",
    re.IGNORECASE,
)

# A byline after its date, as blog themes print it: "Posted on 8 August 2024 by Elena Marsh".
DATED_BYLINE = re.compile(
    r"^(?:posted|published|written|updated)\s+(?:on\s+)?(?P<date>[^\n]{4,40}?)\s+by\s+"
    r"(?P<names>\S.*)$",
    re.IGNORECASE,
)

# Everything a publication-date line is made of: "PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED:
# ...", "Updated 11:21 pm CST, Tuesday, November 19, 2019", "Nov 18, 2019, 11:47am EST" (the
# clock's am/pm written on it), "2019-11-13T23:06:00+01:00", "January 8, 2024 · 5 min read". A
# line is a dateline when nothing else is left after removing these pieces (see is_dateline).
# The labels a publication time is printed under ("Published", "Last updated", ...).
_TIME_LABEL_WORDS = r"(?:first\s+|last\s+)?(?:published|updated|posted|modified|edited)"
DATE_PIECE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\d{1,2}\s*min(?:ute)?s?\s+read)\b"
    rf"|\b(?:{_MONTH}|{_WEEKDAY}|{_TIME_LABEL_WORDS}"
    r"|on|at|date|ago|[ap]\.?m\.?|(?-i:[A-Z]{2,4})|GMT[+-]?\d*|UTC[+-]?\d*"
    r"|\d{1,4}(?:st|nd|rd|th|[ap]\.?m)?)\b\.?"
    r"|[\s,:|/.·•–—()+-]+",
    re.IGNORECASE,
)
# Date parts a scraper wrote without a space between them: "Dec 23, 202310:30 AM" (the year and
# the clock), "9:53 AM UTCUpdated" (a label after the zone); text.unglue_date spaces them.
GLUED_YEAR_CLOCK = re.compile(r"\b((?:19|20)\d{2})(?=\d{1,2}[:.]\d{2}\b)")
GLUED_DATE_LABEL = re.compile(r"(?<=[A-Za-z0-9])(?=(?:Updated|Published|Posted)\b)")
# What dates an article rather than a day: a clock ("10:13 AM", "06.12", "6pm") or a publication
# label. A date line with neither ("Sunday, December 24, 2023") is as often the site's "today".
STAMPED_DATE = re.compile(r"\d{1,2}[:.]\d{2}|\d\s*[ap]\.?m\b|\b(?:published|posted)\b", re.I)
DATE_ANCHOR = re.compile(
    rf"\b(?:{_MONTH}\s*\d|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|\d{{4}}-\d{{2}}-\d{{2}})", re.I
)

# What dates a line: a clock ("4:29", "21.17"), a month and its day, or a numeric date.
DATED = re.compile(
    rf"\d{{1,2}}:\d{{2}}\b|\b{_MONTH}\s*\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}"
    r"|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b",
    re.IGNORECASE,
)

# A promo paragraph: an imperative call to action plus another marketing signal.
PROMO_ACTION = re.compile(
    r"\b(?:sign\s+up|click\s+here|subscribe\s+(?:to|now|today|for)|use\s+the\s+code|get\s+access"
    r"|learn\s+more|find\s+out\s+more|start\s+your\s+free|download\s+(?:the|our)\s+app)\b",
    re.IGNORECASE,
)
PROMO_SIGNAL = re.compile(
    r"\b(?:newsletters?|inbox|subscri\w+|free\s+trial|delivered|for\s+as\s+little\s+as|per\s+month"
    r"|issues\s+for|offer|membership|premium|daily\s+briefing|sign\s+up|click\s+here|sponsor\w*)\b",
    re.IGNORECASE,
)
# Reader-revenue asks: "Support our newsroom by contributing as little as $2".
SUPPORT_ASK = re.compile(
    r"\b(?:contribut(?:e|ion|ing)\s+(?:of\s+)?(?:as\s+little\s+as\s+)?[$£€]\d"
    r"|support\s+(?:our|independent|quality)\s+(?:newsroom|journalism)"
    r"|keep\s+(?:our\s+)?(?:news|stories|journalism)\s+free|become\s+a\s+(?:member|supporter)\s+today"
    r"|\b(?:contribut\w*|donat\w*)\b.{0,100}\bjournalism\b|\bjournalism\b.{0,100}\b(?:contribut\w*|donat\w*))",
    re.IGNORECASE,
)
# Newsletter sign-up confirmations and pitches that need no button text.
NEWSLETTER_LINE = re.compile(
    r"\b(?:thank(?:s|\s+you)\s+for\s+(?:subscribing|signing\s+up)|right\s+in\s+your\s+inbox"
    r"|subscribing\s+to\s+(?:a|our)\s+newsletter|get\s+our\s+free\s+\w+\s+newsletter"
    r"|(?:start|begin)\s+your\s+(?:\w+\s+){0,3}(?:subscription|membership|free\s+trial))\b",
    re.IGNORECASE,
)
# Affiliate/commerce disclaimers: "we may earn a commission", "we may earn revenue from the
# products on this page", "independently selected".
AFFILIATE_DISCLAIMER = re.compile(
    r"\b(?:affiliate\s+(?:commission|links?|partnerships?|programs?|programmes?)"
    r"|we\s+(?:may\s+)?(?:earn|receive|get)\s+"
    r"(?:a\s+)?(?:small\s+)?(?:commission|share|compensation|fee|revenue)|independently\s+selected"
    r"|if\s+you\s+(?:make\s+a\s+purchase|buy\s+something)\s+(?:by\s+clicking|through)"
    r"|earn\s+(?:a\s+)?commission)\b",
    re.IGNORECASE,
)
# A site's legal notices, printed in its footer or under a sign-up form: a supplement's FDA
# statement, "the information on this website is not medical advice", a form's "I agree to
# the terms of service", reCAPTCHA's notice. Paragraph-long and prose-shaped, so the line
# classifier reads them as an article's last paragraphs.
LEGAL_NOTICE = re.compile(
    r"\b(?:(?:these|this)\s+statements?\s+ha(?:ve|s)\s+not\s+been\s+evaluated\s+by\s+the\s+"
    r"(?:food\s+and\s+drug\s+administration|fda)|not\s+intended\s+to\s+diagnose,?\s+treat"
    r"|(?:information|content|materials?)\s+(?:provided\s+|contained\s+|published\s+)?on\s+this\s+"
    r"(?:web\s?)?site\b|(?:is|are)\s+(?:provided\s+)?for\s+(?:general\s+)?informational\s+"
    r"(?:and\s+educational\s+)?purposes\s+only|(?:does|do|shall|should)\s+not\s+constitute\s+"
    r"(?:\w+\s+){0,2}advice|this\s+site\s+is\s+protected\s+by\s+recaptcha"
    r"|by\s+(?:using|continuing\s+to\s+(?:use|browse))\s+(?:this|our)\s+(?:web\s?)?site"
    r"|(?:i|you)\s+(?:hereby\s+)?agree\s+to\s+(?:the|our|its)\s+(?:\w+\s+){0,3}"
    r"(?:terms|privacy\s+policy))",
    re.IGNORECASE,
)
# Paragraph-long credits: copyright notices, reporting credits, citation and source notes.
CREDIT_PARAGRAPH = re.compile(
    r"^(?:©|copyright\b|\(?(?:additional\s+)?reporting\s+by\b|this\s+(?:document|material|article)"
    r"\s+(?:is\s+subject\s+to\s+copyright|may\s+not\s+be\s+(?:published|reproduced))"
    r"|(?:citation|more\s+information|journal\s+information|provided\s+by)\s*:"
    r"|(?:\S+\s+){1,4}(?:primary\s+)?(?:journalistic\s+)?mission\s+is\s+to\b"
    r"|.{0,120}\bcontributed\s+(?:to\s+)?this\s+(?:report|story|article)\.?$"
    r"|.{0,200}\breprinted\s+(?:by|with)\s+(?:kind\s+)?permission\b"
    r"|(?-i:(?:[A-Z][\w ]{2,25}:\s*(?:[A-Z][\w'’-]+\s?){1,4}(?:/[^.]{0,30})?\.\s*){2,}))",
    re.IGNORECASE,
)
# An author's bio line: "Jane Roe is a senior reporter at ...", "Jo covers tech for ...".
AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’.-]+\s+(?:is|was|has\s+been|covers|writes)\b[^.]{0,120}?"
    r"\b(?:reporter|editor|writer|journalist|correspondent|contributor|producer|freelancer"
    r"|columnist|critic|intern|author|covers|covering)\b"
)
# Corrections and editor's notes appended to a story.
EDITOR_NOTE = re.compile(
    r"^(?:\*?\s*(?:correction|clarification|update|editor[’']?s\s+note)\s*(?:\([^)]{0,40}\))?\s*[:.–—-]"
    r"|an?\s+(?:previous|earlier)\s+vers[io]+n\s+of\s+this\s+(?:story|article|report)"
    r"|this\s+(?:article|story|content)\s+(?:has\s+been|was)\s+(?:reviewed|fact-checked|updated)\b)",
    re.IGNORECASE,
)
# "... can be reached at name@paper.com": a contact line (with an e-mail, see text.py).
CONTACT = re.compile(r"\b(?:can\s+be\s+reached|contact(?:ed)?|e-?mail(?:ed)?|write\s+to)\b", re.I)
# The name in a contact line: "Staff writer Cam E. Kettles can be reached at ...".
CONTACT_NAME = re.compile(
    r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]*){1,3})\s+can\s+be\s+reached\b"
)
URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)

# A time with no date: how long ago ("3 hours ago", "Updated 2 days ago") or a clock under a
# publication label ("Updated 9:40am", "Posted at 1:23 p.m. ET"). Page furniture, but it dates
# nothing: no date hint is read from it (a clock alone, "02:43", is a video's duration).
_TIME_LABEL = rf"{_TIME_LABEL_WORDS}\s*(?:on|at)?\s*:?\s*"
TIMESTAMP = re.compile(
    rf"^(?:{_TIME_LABEL})?(?:about\s+|an?\s+|\d{{1,2}}\s*)"
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|[smhdw])\s+ago\.?$"
    rf"|^{_TIME_LABEL}(?:at\s+)?\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?(?:\s*(?-i:[A-Z]{{2,5}}))?$",
    re.IGNORECASE,
)

# "Estimated read time 3 min read", "5 min read", "Reading time: 4 minutes".
READ_TIME = re.compile(
    r"^(?:estimated\s+)?(?:read(?:ing)?\s+time\s*:?\s*)?(?:about\s+)?\d{1,3}\s*(?:-|–)?\s*"
    r"(?:min|mins|minutes?)\b(?:\s+read)?\.?$|^(?:estimated\s+)?read(?:ing)?\s+time\s*:?\s*\d{1,3}\s*"
    r"(?:min|mins|minutes?)\.?(?:\s+read)?$",
    re.IGNORECASE,
)

# Widget headings and buttons: recirculation boxes, comment forms, paywall and print-edition
# furniture. Built from the labels content-management systems print by default (WordPress,
# Arc, PressReader); compared after folding case and punctuation.
WIDGET_LABEL = re.compile(
    r"^(?:(?:must|recommended|suggested|further|editor[’']?s?|top|popular|trending|latest|related|more|most)"
    r"(?:\s+(?:read(?:s|ing)?|viewed|popular|shared|commented|picks?|stories|articles|posts|news|videos?"
    r"|headlines|content|topics|links|for\s+you|on\s+\w+|in\s+\w+(?:\s+\w+)?|from\s+(?:the\s+)?\w+(?:\s+\w+)?"
    r"|like\s+this|to\s+explore))*"
    r"|you\s+(?:may|might|could|will)\s+(?:also\s+)?(?:like|enjoy|be\s+interested(?:\s+in)?)"
    r"|(?:we\s+)?recommend(?:ed)?(?:\s+for\s+you)?|read\s+(?:next|also|this\s+next)|up\s+next|what\s+to\s+read\s+next"
    r"|leave\s+a\s+(?:comment|reply)|(?:\d+\s+)?comments?|post\s+(?:a\s+)?comment|add\s+(?:a\s+)?comment"
    r"|view\s+comments|show\s+comments|join\s+the\s+(?:conversation|discussion)|reply|post|submit|cancel(?:\s+reply)?"
    r"|newspapers\s+(?:in|from)\s+\w+(?:\s+\w+)?|printed\s+and\s+distributed\s+by.*|(?:also\s+)?in\s+this\s+(?:section|issue)"
    r"|tags?|topics?|keywords?|filed\s+under|categories|category|home|menu|search|close|back\s+to\s+top"
    r"|skip\s+to\s+(?:main\s+)?content|next\s+(?:article|story|post)|previous\s+(?:article|story|post)|prev|next"
    r"|loading|opens\s+in\s+new\s+window|listen\s+to\s+(?:this\s+)?article|save(?:\s+article)?|bookmark"
    r"|gift\s+(?:this\s+)?article|follow|following|trending\s+now|breaking(?:\s+news)?|live|exclusive"
    r"|view\s+all|see\s+all|all\s+stories|more\s+stories|show\s+all|don[’']?t\s+miss"
    r"|tell\s+us\s+what\s+you\s+think\W*|text\s+size|font\s+size|biography|by|author|authors"
    r"|comments?\s*\(\d+\)|reuse\s+this\s+content|explore\s+more\s+on\s+th(?:is|ese)\s+topics?"
    r"|most\s+viewed|related\s+topics|more\s+on\s+this\s+story|our\s+standards.*|hide\s+caption"
    r"|toggle\s+caption|enlarge\s+this\s+image|expand|collapse|show\s+caption"
    r"|photos?|gallery|image\s+\d+\s+of\s+\d+|\d+\s+of\s+\d+)$",
    re.IGNORECASE,
)

# The comment section under an article: its heading ("167 comments", "34 responses to ...",
# "6 thoughts on ...", "Top Rated Comments", "Leave a Reply") and the header of each comment,
# the commenter's name with a "says:"/"said:" and a date, or the comment's date and clock time
# on a line of its own ("Jo on 12 May 2024 at 4:47 pm said:", "August 22, 2018 at 5:57 am",
# "2 days ago at 07:52 am", "Jo Roe • 3 hours ago"). lines.comment_section uses both.
COMMENTS_HEADING = re.compile(
    r"^[\[(]?\s*(?:\d[\d,.]*k?\s+)?(?:top\s+rated\s+|reader\s+|user\s+)?"
    r"(?:comments?|responses?|replies|reactions)\b[^.!?]{0,80}$"
    # "6 thoughts on “<the headline>”": the headline may be long and hold any punctuation.
    r"|^\d[\d,]*\s+(?:thoughts|responses|comments|replies)\s+(?:on|to)\s.{1,250}$"
    r"|^(?:leave|post|add|write)\s+a\s+(?:comment|reply)\b|^join\s+the\s+(?:conversation|discussion)\b",
    re.IGNORECASE,
)
_COMMENTER = r"[^\s.!?:;,][^.!?:;,]{0,50}?"
_COMMENT_DATE = r"[^!?;:]{0,40}?\d[^!?;]{0,30}?"
_COMMENT_CLOCK = r"\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?"
COMMENT_HEADER = re.compile(
    rf"^{_COMMENTER}\s(?:on\s{_COMMENT_DATE}\s)?(?:says|said|wrote|writes|replied)"
    rf"(?:\s(?:on|at)\s{_COMMENT_DATE})?:?$"
    rf"|^(?:{_COMMENT_DATE}\s)?(?:at\s)?{_COMMENT_CLOCK}$"
    rf"|^{_COMMENTER}\s[•·|]\s\d+\s(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
    r"\sago$",
    re.IGNORECASE,
)
# "He said:" introduces a quote in the story, not a comment.
PRONOUN_START = re.compile(r"^(?:he|she|they|it|we|i|you|who)\s", re.IGNORECASE)

# Words that make a short Title Case line page furniture rather than a person's name ("Sign
# In", "Share on Facebook", "Getty Images", "Next Story", "USA TODAY NETWORK"): a bare-name
# byline (names.bare_name_byline) holds none of them.
NOT_A_NAME = re.compile(
    r"\b(?:share|sharing|sign|log|save[ds]?|articles?|galler(?:y|ies)|videos?|loading|unavailable"
    r"|play|close|alert|follow|view|contact|e-?mail|links?|social|guides?|points|browse|posts?"
    r"|previous|next|stor(?:y|ies)|more|learn|images?|getty|photos?|courtesy|via|published"
    r"|updated|watch(?:ed)?|news|media|content|partner|sponsored|account|digital|print|subscribe"
    r"|newsletters?|menu|search|home|top|latest|trending|popular|breaking|live|editorial"
    r"|guidelines|reprints|rating|pricing|specs|savings|lessons|network|today|staff|team"
    r"|hi|hello|dear|whatsapp|facebook|twitter|instagram|pinterest|linkedin|youtube|tiktok"
    # Calls to action: "Stay Connected", "Join Today", "Download Now".
    r"|stay|connected|connect|join|explore|discover|download|register|listen)\b",
    re.IGNORECASE,
)

# A list of tags or topics: "Tags: North Korea, China, Diplomacy".
TAG_LIST = re.compile(
    r"^(?:tags?|topics?|keywords?|filed\s+under|categories|related\s+topics)\s*:", re.I
)
# Player position of an audio or video player: "00:00 / 03:12".
PLAYER_POSITION = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?\s*/\s*\d{1,2}:\d{2}(?::\d{2})?$")
# A caption or credit line introduced as such: "Image caption, ...", "Photo credit: ...".
CAPTION_PREFIX = re.compile(
    r"^(?:image|photo|picture|video|media)\s+(?:caption|source|credit)s?\s*[,:]", re.IGNORECASE
)
# Markers that end wire copy: "(END)", "-30-", "###", "ENDS".
END_MARKER = re.compile(r"^(?:\(\s*end\s*\)|-\s*30\s*-|#{3}|ends?)$", re.IGNORECASE)

# Social sharing buttons: one or more network / action names and nothing else.
SHARE_PROMPT = re.compile(
    r"^(?:(?:share|share\s+(?:this|the)(?:\s+(?:article|story|post|page))?|share\s+(?:on|via|to)\s+\w+"
    r"|click\s+to\s+(?:share|email|print)[^.]{0,40}|tweet|email|e-mail|print|whatsapp|facebook|twitter|x"
    r"|linkedin|reddit|telegram|pinterest|copy\s+link|copied|link\s+copied|pin\s+it|flipboard|messenger"
    r"|line|sms|mail)[\s|,·•/:]*)+$",
    re.IGNORECASE,
)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# "By Jane Roe", "- Dewey Sim", "Words by ...", "Posted by Jo Roe on ...", "BY LIM JEONG-WON, SHIN
# KYUNG-JIN": the byline lead-in words newsrooms and blog themes use, at the start of a short line.
BYLINE = re.compile(
    r"^[-–—•|]?\s*(?:by|words\s+by|written\s+by|reported\s+by|story\s+by|text\s+by|reporting\s+by"
    r"|posted\s+by|author|authors)\s*:?\s+(?P<names>\S.*)$",
    re.IGNORECASE,
)

# Inline parts of a byline a scraper wrote without a space between them: "ByLiya Davidov",
# "By Emma BatyPublished: Dec 22, 2023", "By Jo Roe Dec 23, 2023 12:00 PMTags". A space goes
# after a leading "By", after "AM"/"PM", and where a word of three or more lower-case letters
# runs into a capital ("McGregor", "DeArdo", "MacDonald" stay whole).
JOINED_BYLINE = re.compile(
    r"(?<=^By)(?=[A-Z][a-z])|(?<=\b[AP]M)(?=[A-Z][a-z])|(?<=[a-z]{3})(?=[A-Z][a-z])"
)

# A dash-led name line with an e-mail ("- Dewey Sim dewey.sim@..."): the dash is how wire and
# print layouts set a byline when there is no "By".
DASH_NAME = re.compile(r"^[-–—]\s*(?P<names>[A-Z][^\d@]{1,80}?)\s*(?:$|[\[(<]?[\w.+-]+@)")

# Copyright, agency and reporting credits. The agency alternatives ("— Reuters", "(AFP)") are a
# single capitalised token, so a dash-led personal name is left for the byline rule.
PUBLISHER_CREDIT = re.compile(
    r"^(?:(?i:©|\(c\)|copyright\b|all\s+rights\s+reserved"
    r"|\(?(?:additional\s+)?(?:reporting|writing|editing|compiled|edited)\s+by\b"
    r"|this\s+(?:article|story|piece)\s+(?:was\s+)?(?:first\s+|originally\s+)?(?:appeared|published|ran)"
    r"|(?:source|sources|via|credit)\s*:)"
    r"|[-–—]\s*[A-Z][\w.&]*$|\([A-Z][\w.&]*\)$)|(?i:\ball\s+rights\s+reserved\b)",
)

# The outlet words that name one outlet on their own (the rest are nouns any menu uses).
_OUTLET_NAMES = r"nikkei|xinhua|yonhap|kcna|reuters"
# News-outlet nouns: a short Title Case line that ends in one of these, standing before the
# headline or after the last paragraph, is a masthead (the publisher's name).
OUTLET_WORD = re.compile(
    r"\b(?:post|times|news|daily|herald|journal|tribune|gazette|telegraph|guardian|observer|chronicle"
    r"|review|star|mail|express|press|agency|reporter|standard|independent|courier|today|insider|wire"
    r"|monitor|globe|sun|mirror|bulletin|magazine|weekly|online|media|network|broadcasting|radio|tv"
    rf"|television|ilbo|shimbun|sinmun|{_OUTLET_NAMES})$",
    re.IGNORECASE,
)
OUTLET_NAME = re.compile(_OUTLET_NAMES, re.IGNORECASE)

# "Read more: ...", "ALSO READ | ...": a lead-in that marks a link to another story.
RELATED_PREFIX = re.compile(
    r"^(?:read\s+more|also\s+read|read\s+also|related|see\s+also|more\s+on\s+this|recommended"
    r"|must\s+read|don[’']?t\s+miss|click\s+here|read|next|previous|next\s+(?:article|story|post)"
    r"|previous\s+(?:article|story|post)|up\s+next|watch\s+next)\s*[:|»>–—-]\s*\S",
    re.IGNORECASE,
)

# An HTML tag left in scraped text (an embed's markup: "<a href=...>", "<blockquote class=...>").
MARKUP_TAG = re.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>")

# A list bullet that scrapers keep as text: "•", "·", "*", "-" then the item.
BULLET = re.compile(r"^\s*[•·▪●◦*‣-]\s+")

# Sentence-final punctuation, allowing closing quotes/brackets after it.
TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*$|[\"”]$")

WORD = re.compile(r"\w+(?:[’'-]\w+)*")


# Shared by the learned models (clean/lines.py, clean/headline.py).

# The rules' verdicts the classifier sees, grouped: the removed lines between a line and the
# open lines next to it, counted per group. A paragraph between two ad labels is still a
# paragraph; a line after a "Related" label is likely a teaser.
RULE_GROUPS: dict[str, frozenset[str]] = {
    "label": frozenset(
        ["widget_label", "related_link", "share_prompt", "promo", "read_time", "learned"]
    ),
    "media": frozenset(
        ["advert", "photo_caption", "video_duration", "video_headline", "weather_widget"]
    ),
    "meta": frozenset(
        [
            "byline",
            "dateline",
            "email",
            "masthead",
            "section_label",
            "publisher_credit",
            "author_bio",
            "editor_note",
            "disclaimer",
        ]
    ),
    "repeat": frozenset(["duplicate_line"]),
}
# Function words of the languages the corpus and the seeds are written in; prose is dense with
# them, menus and labels are not. The commonest ten to twenty of each, written for this list.
_STOP_WORDS = (
    "the of and to in a an is that for on with as was by it at from he she said are has have "
    "be his her its their they this which who will would been were not but or had after about "
    "der die das und den von zu mit sich des ist im dem nicht ein eine auf für le la les de "
    "des et en un une du est que pour dans qui sur au par pas el los del las por con una para "
    "es se al como il di che e per della non sono o do da em um não os no na het een van op "
    "te zijn voor"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())
# Words with a capital (counted per line, C-speed findall).
UPPER_START = re.compile(r"\b[A-ZÀ-ÖØ-ÞΑ-ΩА-Я]")
