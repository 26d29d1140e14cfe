"""The benchmark corpus's word lists: names, places, events, topics, subjects and prose words.

Data only; changing any list changes every generated corpus (bench/corpus.py).
"""

FIRST_NAMES = (
    "Alice", "Amara", "Andy", "Anna", "Ben", "Bea", "Carl", "Chloe", "Dan", "Dev",
    "Ed", "Ella", "Emma", "Femi", "Fiona", "Gary", "Gita", "Hana", "Harry", "Ian",
    "Imogen", "Jack", "Jane", "Jo", "Kate", "Kemi", "Kwame", "Laura", "Liam", "Lucy",
    "Mark", "Maya", "Mike", "Nadia", "Neil", "Nick", "Nina", "Olu", "Omar", "Paul",
    "Pia", "Priya", "Rachel", "Raj", "Rob", "Rosa", "Sam", "Sara", "Sean", "Simon",
    "Sophie", "Steph", "Tom", "Tara", "Uma", "Vic", "Will", "Yasmin", "Zara", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Ahmed", "Ali", "Baker", "Banks", "Bell", "Brown", "Byrne", "Clarke", "Cole",
    "Cooper", "Davies", "Dixon", "Doyle", "Edwards", "Evans", "Fisher", "Ford", "Fox", "Gill",
    "Gray", "Green", "Hall", "Harris", "Hayes", "Hill", "Hughes", "Hussain", "Jackson", "James",
    "Jones", "Kaur", "Keane", "Khan", "King", "Lee", "Lewis", "Lloyd", "Mabbett", "Marsh",
    "Mason", "Mills", "Moore", "Morgan", "Murphy", "Nash", "Nolan", "OBrien", "Okafor", "Owen",
    "Palmer", "Parker", "Patel", "Price", "Quinn", "Reid", "Rees", "Roberts", "Rose", "Shah",
    "Shaw", "Singh", "Smith", "Stone", "Taylor", "Thomas", "Turner", "Walsh", "Ward", "Watts",
    "Webb", "White", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip
AFFILIATIONS = (
    "", "", "GDS", "NHS Digital", "Camden Council", "Leeds City Council", "DWP", "Ofsted",
    "mySociety", "Open Knowledge", "Citizens Advice", "Police Scotland", "Met Office",
    "Bristol City Council", "FutureGov", "dxw", "Kent County Council", "ONS", "freelance",
)  # fmt: skip
PLACES = (
    "Microsoft, London", "The Shed, Leeds", "Birmingham Council House", "Trinity Centre, Bristol",
    "Manchester Central Library", "Cardiff City Hall", "Newcastle Civic Centre", "online",
    "The Guardian, King's Place", "Edinburgh Napier University", "Belfast City Hall",
)  # fmt: skip
# (display name, slug stem, hashtag stem); hashtags end in digits so they never equal a topic.
SERIES = (
    ("UK GovCamp", "ukgovcamp", "ukgc"), ("LocalGovCamp", "localgovcamp", "lgc"),
    ("NHS Hack Day", "nhshackday", "nhshd"), ("Open Data Camp", "opendatacamp", "odc"),
    ("BlueLightCamp", "bluelightcamp", "blc"), ("GovCamp Cymru", "govcampcymru", "gcc"),
    ("UKHealthCamp", "ukhealthcamp", "hc"), ("CharityCamp", "charitycamp", "chc"),
    ("ProductCamp", "productcamp", "pc"), ("CitizenCamp", "citizencamp", "cc"),
    ("Scotland GovCamp", "scotgovcamp", "sgc"), ("WriteTheDocs Unconf", "wtdunconf", "wtd"),
    ("MuseumCamp", "museumcamp", "muc"), ("LibCamp", "libcamp", "libc"),
    ("HousingCamp", "housingcamp", "hsc"), ("EdTechCamp", "edtechcamp", "etc"),
)  # fmt: skip
TOPIC_WORDS = (
    "opendata", "foi", "accessibility", "agile", "gdpr", "procurement", "userresearch",
    "govuk", "devops", "localgov", "digitalinclusion", "servicedesign", "policy", "wardley",
    "mentalhealth", "civictech", "cloud", "blockchain", "ai", "ethics", "privacy", "security",
    "comms", "socialmedia", "wellbeing", "leadership", "hiring", "contentdesign", "data",
    "transparency", "maps", "transport", "housing", "climate", "libraries", "museums",
)  # fmt: skip
TOPIC_HEADS = (
    "open", "local", "civic", "digital", "smart", "public", "green", "shared", "rural",
    "urban", "social", "youth", "health", "patient", "citizen", "data", "service", "team",
    "agile", "safe", "fair", "better", "mobile", "remote", "ethical", "community", "future",
)  # fmt: skip
TOPIC_TAILS = (
    "data", "gov", "tech", "services", "care", "maps", "design", "policy", "budgets",
    "skills", "apis", "standards", "research", "comms", "transport", "housing", "ethics",
    "platforms", "inclusion", "democracy",
)  # fmt: skip
SUBJECTS = (
    "open data", "digital inclusion", "user research", "FOI requests", "agile procurement",
    "content design", "service standards", "accessibility testing", "social media policy",
    "data sharing", "legacy IT", "cloud hosting", "Wardley mapping", "remote teams",
    "mental health at work", "hiring developers", "local elections", "GDS exemplars",
    "blockchain hype", "AI in casework", "privacy notices", "bus timetables", "council websites",
    "participatory budgets", "digital skills", "shared services", "open standards", "APIs",
)  # fmt: skip
CONTEXTS = (
    "local government", "the NHS", "small charities", "police forces", "central government",
    "housing associations", "schools", "libraries", "the third sector", "parish councils",
)  # fmt: skip
SESSION_TEMPLATES = (
    "{S} in {c}", "What next for {s}?", "Making {s} work for {c}", "{S}: lessons learned",
    "Why {s} fails in {c}", "{S} and {t}", "Getting started with {s}", "{S} for beginners",
    "Is {s} worth it?", "Scaling {s} across {c}",
)  # fmt: skip
TITLE_TEMPLATES = (
    "{session}", "Notes from “{session}”", "{session}: my write-up", "What I learned at {session}",
    "Write-up: {session}", "{session} — a summary",
)  # fmt: skip
HEADINGS = (
    "What we discussed", "Key points", "Next steps", "Open questions", "Background",
    "What went well", "Actions", "Reflections",
)  # fmt: skip
CONTENT_WORDS = (
    "council", "service", "users", "data", "team", "policy", "people", "digital", "open",
    "project", "budget", "government", "citizens", "website", "process", "problem", "change",
    "session", "question", "answer", "idea", "ideas", "example", "examples", "approach",
    "research", "design", "content", "standard", "platform", "system", "systems", "staff",
    "managers", "leaders", "culture", "trust", "risk", "evidence", "outcome", "outcomes",
    "money", "time", "work", "working", "building", "sharing", "learning", "talking",
    "listening", "testing", "delivery", "product", "products", "community", "communities",
    "local", "national", "public", "private", "sector", "partners", "suppliers", "contract",
    "contracts", "procurement", "legacy", "cloud", "software", "hardware", "network",
    "security", "privacy", "consent", "records", "forms", "paper", "letters", "email",
    "phone", "channel", "channels", "feedback", "survey", "interviews", "prototype",
    "prototypes", "alpha", "beta", "live", "release", "roadmap", "strategy", "plan", "plans",
    "goals", "metrics", "numbers", "spreadsheet", "report", "reports", "meeting", "meetings",
    "workshop", "volunteers", "residents", "patients", "schools", "housing", "transport",
    "libraries", "health", "care", "social", "skills", "training", "hiring", "budgets",
    "savings", "costs", "value", "quality", "speed", "scale", "small", "large", "simple",
    "complex", "hard", "easy", "useful", "clear", "better", "worse", "different", "same",
    "new", "old", "real", "honest", "brave", "careful", "quick", "slow", "shared", "common",
    "agreed", "argued", "suggested", "noted", "explained", "asked", "wondered", "described",
    "showed", "built", "tried", "failed", "worked", "started", "stopped", "moved", "changed",
    "needed", "wanted", "found", "made", "kept", "lost", "won", "helped", "blocked",
    "really", "often", "rarely", "always", "never", "perhaps", "probably", "mostly",
    "together", "again", "first", "second", "finally", "later", "earlier", "today",
    "afternoon", "morning", "room", "wall", "notes", "slides", "whiteboard", "coffee",
    "lunch", "pitch", "pitches", "grid", "unconference", "conversation", "discussion",
)  # fmt: skip
FUNCTION_WORDS = (
    "the", "the", "the", "the", "a", "a", "an", "and", "and", "and", "of", "of", "to", "to",
    "in", "in", "for", "on", "with", "that", "that", "is", "is", "was", "was", "we", "we",
    "it", "they", "this", "but", "not", "be", "are", "as", "at", "by", "from", "or", "more",
    "about", "how", "what", "who", "why", "there", "their", "our", "some", "all", "can",
)  # fmt: skip
WORD_POOL = CONTENT_WORDS + FUNCTION_WORDS
LINK_TEXTS = (
    "the slides", "the notes", "the session grid", "a blog post", "this report",
    "the code", "the prototype", "a longer write-up", "the photos", "the survey results",
)  # fmt: skip
LINK_HOSTS = ("example.org", "example.com", "example.net", "data.example.org")
EMAIL_DOMAINS = ("example.org", "example.com", "example.net", "council.example.org")
MASTODON_HOSTS = ("social.example.org", "toot.example.net", "mastodon.example.com")
CODE_SPANS = ("`@{h} join`", "`cc @{h}`", "`/invite @{h}`", "`@{h}`", "`@{h} help`")
