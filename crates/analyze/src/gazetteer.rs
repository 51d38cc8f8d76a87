//! Small hand-made word lists (places, outlets, first names, role words, cue verbs) used by the
//! entity and quote rules. Written here from general knowledge; no external data is loaded.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// FNV-1a: the word lists are fixed and short keys dominate, so a simple hash beats SipHash.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvSet = HashSet<&'static str, BuildHasherDefault<Fnv>>;

fn set(words: &'static [&'static str]) -> FnvSet {
    words.iter().copied().collect()
}

macro_rules! lazy_set {
    ($(#[$m:meta])* $name:ident, $words:expr) => {
        $(#[$m])*
        pub(crate) fn $name(w: &str) -> bool {
            static S: OnceLock<FnvSet> = OnceLock::new();
            S.get_or_init(|| set($words)).contains(w)
        }
    };
}

lazy_set!(is_place, &[
    "afghanistan", "albania", "algeria", "argentina", "armenia", "australia", "austria", "azerbaijan",
    "bahrain", "bangladesh", "belarus", "belgium", "bolivia", "bosnia", "brazil", "bulgaria",
    "cambodia", "cameroon", "canada", "chile", "china", "colombia", "congo", "croatia", "cuba",
    "cyprus", "czech republic", "denmark", "ecuador", "egypt", "estonia", "ethiopia", "finland",
    "france", "georgia", "germany", "ghana", "greece", "guatemala", "haiti", "honduras", "hungary",
    "iceland", "india", "indonesia", "iran", "iraq", "ireland", "israel", "italy", "jamaica", "japan",
    "jordan", "kazakhstan", "kenya", "kosovo", "kuwait", "latvia", "lebanon", "libya", "lithuania",
    "malaysia", "mali", "mexico", "moldova", "mongolia", "morocco", "myanmar", "nepal",
    "netherlands", "new zealand", "nicaragua", "niger", "nigeria", "north korea", "norway", "oman",
    "pakistan", "palestine", "panama", "paraguay", "peru", "philippines", "poland", "portugal",
    "qatar", "romania", "russia", "rwanda", "saudi arabia", "senegal", "serbia", "singapore",
    "slovakia", "slovenia", "somalia", "south africa", "south korea", "south sudan", "spain",
    "sri lanka", "sudan", "sweden", "switzerland", "syria", "taiwan", "tajikistan", "tanzania",
    "thailand", "tunisia", "turkey", "turkmenistan", "uganda", "ukraine", "united arab emirates",
    "united kingdom", "britain", "great britain", "england", "scotland", "wales", "united states",
    "america", "u.s", "u.s.", "us", "usa", "u.s.a", "u.s.a.", "uk", "u.k", "u.k.", "uruguay",
    "uzbekistan", "venezuela", "vietnam", "yemen", "zambia", "zimbabwe", "crimea", "gaza",
    "west bank", "europe", "asia", "africa", "middle east", "latin america", "korea", "chechnya",
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
    "florida", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana",
    "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri",
    "montana", "nebraska", "nevada", "new hampshire", "new jersey", "new mexico", "new york",
    "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania", "rhode island",
    "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia",
    "washington", "west virginia", "wisconsin", "wyoming", "district of columbia", "d.c", "d.c.",
    "moscow", "st. petersburg", "saint petersburg", "kiev", "kyiv", "london", "paris", "berlin",
    "beijing", "tokyo", "rome", "madrid", "brussels", "geneva", "vienna", "warsaw", "minsk",
    "ankara", "istanbul", "tehran", "baghdad", "damascus", "aleppo", "jerusalem", "tel aviv",
    "cairo", "riyadh", "dubai", "kabul", "islamabad", "delhi", "new delhi", "mumbai", "seoul",
    "pyongyang", "havana", "mexico city", "ottawa", "toronto", "sydney", "lagos", "abuja",
    "nairobi", "johannesburg", "chicago", "los angeles", "san francisco", "boston", "philadelphia",
    "atlanta", "miami", "houston", "dallas", "detroit", "cleveland", "seattle", "denver",
    "las vegas", "phoenix", "baltimore", "new orleans", "manhattan", "brooklyn", "des moines",
    "charleston", "orlando", "milwaukee", "pittsburgh", "st. louis", "silicon valley", "wall street",
]);

lazy_set!(is_outlet, &[
    "tass", "itar-tass", "ap", "associated press", "the associated press", "reuters", "afp",
    "agence france-presse", "rossiya-24", "rossiya 24", "ria", "ria novosti", "interfax", "xinhua",
    "bbc", "cnn", "fox", "fox news", "abc", "abc news", "cbs", "cbs news", "nbc", "nbc news", "msnbc",
    "npr", "pbs", "bloomberg", "new york times", "the new york times", "washington post",
    "the washington post", "wall street journal", "the wall street journal", "politico", "the hill",
    "huffington post", "the huffington post", "huffpost", "breitbart", "al jazeera", "rt",
    "sputnik", "guardian", "the guardian", "usa today", "los angeles times", "axios", "buzzfeed",
    "the times", "daily mail", "the daily mail", "vanguard", "cnbc", "c-span", "univision",
    "telemundo", "the atlantic", "time", "newsweek", "the economist", "financial times",
    "the des moines register", "des moines register", "boston globe", "the boston globe",
    "chicago tribune", "the new yorker", "new yorker", "mashable", "vox", "slate", "salon",
    "the daily beast", "daily beast", "national review", "the weekly standard", "yahoo news",
    "meduza", "izvestia", "kommersant", "channel one", "pervy kanal", "ntv", "russia today",
    "twitter", "facebook", "instagram", "youtube",
]);

lazy_set!(is_org_word, &[
    "ministry", "department", "agency", "party", "committee", "council", "commission", "company",
    "corporation", "corp", "corp.", "inc", "inc.", "university", "college", "association",
    "institute", "bureau", "administration", "congress", "senate", "parliament", "duma", "court",
    "embassy", "consulate", "foundation", "campaign", "union", "bank", "group", "organization",
    "organisation", "federation", "office", "service", "army", "navy", "police", "kremlin",
    "pentagon", "times", "post", "news", "journal", "network", "television", "tv", "radio", "press",
    "club", "center", "centre", "fund", "board", "authority", "forces", "guard", "coalition",
    "alliance", "movement", "church", "airlines", "school", "academy", "reserve", "treasury", "pac",
    "caucus", "cabinet", "legislature", "assembly", "house", "herald", "tribune", "gazette",
    "register", "magazine", "channel", "institution", "society", "council", "co.", "ltd", "ltd.",
    "llc", "group", "partners", "holdings", "systems", "motors", "technologies", "labs", "media",
    "watch", "project", "initiative", "council", "nations", "state department", "fbi", "cia", "nsa",
    "nato", "un", "eu", "gop", "dnc", "rnc", "kgb", "fsb", "opec", "who", "imf", "irs", "epa",
]);

lazy_set!(is_person_title, &[
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sen", "sen.", "rep", "rep.", "gov",
    "gov.", "gen", "gen.", "col", "col.", "lt", "lt.", "capt", "capt.", "prof", "prof.", "rev",
    "rev.", "sgt", "sgt.", "pres.", "atty", "adm", "adm.", "messrs.", "sir", "dame", "lord",
    "president", "minister", "senator", "governor", "secretary", "chancellor", "premier", "king",
    "queen", "prince", "princess", "pope", "judge", "justice", "mayor", "ambassador", "general",
    "representative", "congressman", "congresswoman", "spokesman", "spokeswoman", "spokesperson",
    "chairman", "chairwoman", "chair", "director", "commissioner", "attorney", "speaker", "leader",
    "candidate", "ceo", "chief", "envoy", "deputy", "vice", "prime", "foreign", "defense",
    "defence", "interior", "state", "former", "first", "lady", "sheriff", "officer", "detective",
    "professor", "sheikh", "ayatollah", "emir", "president-elect", "rabbi", "pastor", "bishop",
    "cardinal", "father", "sister", "brother", "colonel", "captain", "lieutenant", "sergeant",
    "admiral", "marshal", "agent", "inspector", "coach", "host", "anchor", "correspondent",
    "columnist", "editor", "analyst", "strategist", "pollster", "adviser", "advisor", "aide",
    "manager", "counsel", "treasurer", "economist", "nominee", "hopeful", "rival", "challenger",
    "incumbent", "businessman", "billionaire", "mogul",
]);

lazy_set!(
    /// Role nouns: the head words of role phrases ("the Russian President", "a spokesman").
    is_role_noun, &[
    "president", "minister", "senator", "governor", "secretary", "chancellor", "premier", "king",
    "queen", "pope", "judge", "justice", "mayor", "ambassador", "general", "representative",
    "congressman", "congresswoman", "spokesman", "spokeswoman", "spokesperson", "chairman",
    "chairwoman", "director", "commissioner", "speaker", "leader", "candidate", "ceo", "envoy",
    "president-elect", "prime minister", "nominee", "frontrunner", "front-runner", "official",
    "officials", "aide", "adviser", "advisor", "strategist", "pollster", "manager", "lawmaker",
    "lawmakers", "sheriff", "attorney", "prosecutor", "businessman", "billionaire", "mogul",
    "hopeful", "rival", "challenger", "incumbent", "chief", "founder", "host", "anchor", "analyst",
    "economist", "professor", "expert", "experts", "historian", "author", "writer", "reporter",
    "correspondent", "columnist", "editor", "pundit", "activist", "voter", "voters", "supporter",
    "supporters", "critics", "critic", "opponent", "opponents", "candidates", "administration",
    "campaign", "ministry", "department", "government", "kremlin", "agency", "committee",
    "spokespeople", "statement", "report", "poll", "survey", "study", "source", "sources",
    "democrat", "republican", "democrats", "republicans", "conservatives", "liberals", "member",
    "members", "people", "residents", "delegate", "delegates", "organizer", "organizers",
    "director", "executive", "president", "police", "investigators", "authorities", "officer",
    "lawyer", "lawyers", "president's", "senators", "governors", "leaders", "owner", "mother",
    "father", "wife", "husband", "son", "daughter", "friend", "man", "woman", "group", "team",
    "party", "website", "paper", "newspaper", "article", "network", "ad", "memo", "letter",
    "document", "documents", "data", "figures", "records", "record", "filing", "filings",
]);

lazy_set!(is_first_name, &[
    "aaron", "adam", "alan", "albert", "alex", "alexander", "alexei", "alexey", "alice", "amy",
    "andrew", "andrei", "andrey", "angela", "ann", "anna", "anne", "anthony", "antonio", "arnold",
    "barack", "barbara", "ben", "benjamin", "bernie", "bernard", "beto", "betty", "bill", "bob",
    "bobby", "boris", "brad", "brian", "bruce", "carl", "carly", "carlos", "carol", "catherine",
    "charles", "charlie", "chris", "christine", "christopher", "chuck", "cory", "dan", "daniel",
    "david", "debbie", "deborah", "dennis", "diane", "dick", "dmitry", "dmitri", "don", "donald",
    "donna", "doug", "douglas", "ed", "edward", "elizabeth", "emily", "emma", "eric", "frank",
    "fred", "gary", "george", "gerald", "greg", "gregory", "hank", "harold", "harry", "heather",
    "helen", "henry", "hillary", "howard", "hugh", "ivanka", "jack", "jacob", "james", "jane",
    "janet", "jason", "jeb", "jeff", "jeffrey", "jennifer", "jerry", "jessica", "jill", "jim",
    "jimmy", "joe", "john", "johnny", "jon", "jonathan", "jose", "joseph", "joshua", "juan",
    "julia", "julian", "karen", "kate", "katherine", "kathleen", "kelly", "ken", "kenneth", "kevin",
    "kim", "kurt", "larry", "laura", "lee", "leonid", "linda", "lindsey", "lisa", "luis", "lynn",
    "marco", "margaret", "maria", "marie", "mark", "martin", "mary", "matt", "matthew", "melania",
    "michael", "michelle", "mike", "mitch", "mitt", "nancy", "nicholas", "nick", "nikolai",
    "nikki", "oleg", "pamela", "patricia", "patrick", "paul", "peter", "rand", "ray", "raymond",
    "reince", "richard", "rick", "rob", "robert", "roger", "ron", "ronald", "rudy", "ruth", "ryan",
    "sam", "samuel", "sarah", "scott", "sean", "sergei", "sergey", "sharon", "stephen", "steve",
    "steven", "susan", "ted", "terry", "thomas", "tim", "timothy", "tom", "tony", "vladimir",
    "walter", "wayne", "william", "yuri", "viktor", "victor", "angela", "emmanuel", "francois",
    "theresa", "justin", "xi", "recep", "benjamin", "hassan", "mohammed", "muhammad", "ali",
    "ahmed", "omar", "abdul", "bashar", "kim", "shinzo", "narendra", "jair", "jacinda", "huma",
    "kellyanne", "chelsea", "debbie", "elizabeth", "kamala", "marsha", "lamar", "trey", "jared",
    "corey", "stephanie", "jake", "wolf", "megyn", "bret", "chris", "rachel", "joy", "sheldon",
    "charles", "david", "grover", "newt", "rush", "glenn", "sean", "ann", "karl", "jorge",
]);

lazy_set!(is_month_or_day, &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan.", "feb.", "mar.", "apr.", "aug.", "sept.", "sep.",
    "oct.", "nov.", "dec.", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "christmas", "easter", "thanksgiving",
]);

lazy_set!(
    /// Capitalised words that open sentences or headlines and are not names.
    is_common_cap, &[
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "their", "its",
    "our", "my", "your", "this", "that", "these", "those", "there", "here", "but", "and", "or",
    "so", "yet", "if", "when", "while", "after", "before", "as", "because", "since", "although",
    "though", "however", "meanwhile", "still", "also", "in", "on", "at", "for", "from", "with",
    "by", "of", "to", "into", "about", "over", "under", "what", "why", "how", "who", "whom",
    "which", "where", "one", "some", "many", "most", "all", "both", "each", "every", "no", "not",
    "now", "then", "thus", "recall", "breaking", "yes", "well", "even", "just", "only", "more",
    "less", "other", "another", "such", "first", "last", "next", "new", "former", "today",
    "yesterday", "tomorrow", "asked", "said", "says", "according", "instead", "indeed", "unlike",
    "like", "despite", "during", "without", "within", "among", "against", "until", "among",
    "let", "do", "does", "did", "is", "are", "was", "were", "be", "been", "has", "have", "had",
    "will", "would", "can", "could", "should", "may", "might", "must", "i'm", "it's", "that's",
    "we're", "they're", "he's", "she's", "don't", "can't", "we've", "i've", "there's", "let's",
    "comments", "update", "updated", "read", "watch", "see", "related", "photo", "video",
    "advertisement", "editor's", "note", "mr", "mrs", "ms", "sen", "rep", "gov", "dr",
    "democratic", "republican", "democrat", "democrats", "republicans", "gop", "obamacare",
    "please", "thank", "thanks", "sir", "oh", "okay", "ok", "hey", "look", "listen", "again",
    "never", "always", "perhaps", "maybe", "already", "almost", "much", "very", "too", "either",
    "neither", "nor", "whether", "than", "once", "twice", "ever", "anyone", "everyone", "nobody",
    "someone", "something", "nothing", "everything", "anything", "because", "whatever",
]);

const NATIONALITIES: &[(&str, &str)] = &[
    ("russian", "Russia"), ("american", "United States"), ("u.s", "United States"),
    ("u.s.", "United States"), ("us", "United States"), ("british", "United Kingdom"),
    ("chinese", "China"), ("french", "France"), ("german", "Germany"), ("iranian", "Iran"),
    ("israeli", "Israel"), ("ukrainian", "Ukraine"), ("syrian", "Syria"), ("mexican", "Mexico"),
    ("canadian", "Canada"), ("japanese", "Japan"), ("indian", "India"), ("saudi", "Saudi Arabia"),
    ("turkish", "Turkey"), ("iraqi", "Iraq"), ("afghan", "Afghanistan"), ("pakistani", "Pakistan"),
    ("nigerian", "Nigeria"), ("korean", "Korea"), ("italian", "Italy"), ("spanish", "Spain"),
    ("cuban", "Cuba"), ("egyptian", "Egypt"), ("european", "Europe"), ("polish", "Poland"),
    ("belarusian", "Belarus"), ("georgian", "Georgia"), ("palestinian", "Palestine"),
    ("venezuelan", "Venezuela"), ("brazilian", "Brazil"), ("australian", "Australia"),
    ("dutch", "Netherlands"), ("swedish", "Sweden"), ("greek", "Greece"), ("libyan", "Libya"),
    ("lebanese", "Lebanon"), ("jordanian", "Jordan"), ("qatari", "Qatar"), ("kenyan", "Kenya"),
    ("federal", "United States"),
];

/// The country a nationality adjective (or country abbreviation) names.
pub(crate) fn nationality(w: &str) -> Option<&'static str> {
    static M: OnceLock<HashMap<&'static str, &'static str, BuildHasherDefault<Fnv>>> = OnceLock::new();
    M.get_or_init(|| NATIONALITIES.iter().copied().collect()).get(w).copied()
}

lazy_set!(
    /// Speech and attribution verbs (all forms listed), for direct and reported speech.
    is_cue_verb, &[
    "said", "says", "say", "saying", "told", "tells", "tell", "telling", "added", "adds", "adding",
    "asked", "asks", "asking", "wrote", "writes", "writing", "tweeted", "tweets", "tweeting",
    "explained", "explains", "explaining", "noted", "notes", "noting", "argued", "argues",
    "arguing", "argue", "continued", "continues", "declared", "declares", "declaring", "stated",
    "states", "replied", "replies", "responded", "responds", "insisted", "insists", "insisting",
    "warned", "warns", "warning", "recalled", "recalls", "recalling", "acknowledged",
    "acknowledges", "admitted", "admits", "admitting", "claimed", "claims", "claiming", "claim",
    "concluded", "concludes", "suggested", "suggests", "suggesting", "announced", "announces",
    "announcing", "observed", "observes", "remarked", "joked", "jokes", "quipped", "quips",
    "conceded", "concedes", "cautioned", "predicted", "predicts", "predicting", "shouted",
    "yelled", "mused", "boasted", "boasts", "bragged", "complained", "complains", "countered",
    "emphasized", "emphasizes", "stressed", "stresses", "urged", "urges", "vowed", "vows",
    "promised", "promises", "pledged", "pledges", "denied", "denies", "denying", "deny",
    "reported", "reports", "reporting", "confirmed", "confirms", "confirming", "revealed",
    "reveals", "maintained", "maintains", "contended", "contends", "asserted", "asserts",
    "alleged", "alleges", "charged", "charges", "testified", "posted", "wondered", "wonders",
    "pointed", "went", "continued", "thinks", "think", "thought", "believes", "believe",
    "believed", "hopes", "hoped", "worried", "worries", "fears", "feared", "agreed", "agrees",
    "disagreed", "disputed", "disputes", "proclaimed", "proclaims", "speculated", "estimated",
    "estimates", "indicated", "indicates", "signaled", "signalled", "repeated", "reiterated",
    "reiterates", "answered", "answers", "explain", "add", "ask", "write", "note", "insist",
    "warn", "predict", "suggest", "acknowledge", "admit", "announce", "recall", "stress",
    "whispered", "screamed", "exclaimed", "demanded", "demands", "called", "calls", "calling",
    "accused", "accuses", "accusing", "praised", "criticized", "blamed", "blames", "touted",
    "touts", "described", "describes", "describing", "dismissed", "dismisses", "defended",
    "defends", "declined", "threatened", "threatens", "assured", "assures", "informed",
    "reminded", "reminds", "shot", "fired", "snapped", "retorted", "interjected", "chimed",
    "offered", "recounted", "recounts", "cited", "citing", "read", "reads", "tweet", "show",
    "shows", "showed", "found", "finds", "wants", "wanted", "want",
    "knows", "knew", "know", "feels", "felt", "feel", "hope", "fear", "worry", "questioned",
    "questions", "wonder", "reckoned", "figured", "guessed", "implied", "hinted", "proposed",
    "proposes", "labeling", "labeled", "labelled", "labels", "branded", "brands", "characterized",
    "characterizes", "characterizing", "referred", "refers", "referring", "deemed", "decried",
    "slammed", "slams", "blasted", "blasts", "mocked", "mocks", "hailed", "hails", "lauded",
    "rejected", "rejects", "welcomed", "condemned", "condemns", "reacted", "pressed", "wrote",
    "promised", "labeling", "dubbed", "termed", "terms", "likened", "compares", "compared",
    "echoed", "echoing", "quoted", "quoting", "recommended", "recommends", "concluded",
    "conclude", "ruled", "rules", "decided", "determined", "insisted", "pleaded", "begged",
    "bemoaned", "lamented", "laments", "lamenting", "conceded", "acknowledging", "citing",
    "responded", "responding", "replying", "adding", "joking", "boasting", "bragging",
    "complaining", "promising", "vowing", "pledging", "predicting", "speculating", "stressing",
    "emphasizing", "urging", "warning", "telling", "describing", "accusing", "blaming",
    "praising", "criticizing", "attacking", "attacked", "attacks", "touting", "defending",
    "dismissing", "rejecting", "announcing", "confirming", "denying", "claiming", "arguing",
]);

lazy_set!(
    /// Strong speech verbs that introduce a direct quotation or a that-clause.
    is_speech_verb, &[
    "said", "says", "say", "saying", "told", "tells", "tell", "telling", "added", "adds", "adding",
    "asked", "asks", "asking", "wrote", "writes", "tweeted", "tweets", "explained", "explains",
    "noted", "notes", "noting", "argued", "argues", "arguing", "continued", "continues", "declared",
    "declares", "stated", "states", "replied", "replies", "responded", "responds", "insisted",
    "insists", "warned", "warns", "recalled", "recalls", "acknowledged", "acknowledges",
    "admitted", "admits", "claimed", "claims", "concluded", "concludes", "suggested", "suggests",
    "announced", "announces", "observed", "observes", "remarked", "joked", "jokes", "quipped",
    "quips", "conceded", "concedes", "cautioned", "predicted", "predicts", "shouted", "yelled",
    "mused", "boasted", "boasts", "bragged", "complained", "complains", "countered",
    "emphasized", "stressed", "urged", "vowed", "promised", "pledged", "denied", "denies",
    "reported", "confirmed", "revealed", "maintained", "contended", "asserted", "alleged",
    "testified", "posted", "wondered", "proclaimed", "reiterated", "answered", "whispered",
    "screamed", "exclaimed", "demanded", "assured", "snapped", "retorted", "interjected",
    "recounted", "tweeting", "explaining", "insisting", "declaring", "writing", "thinks",
    "believes", "reads", "read", "cried", "added:", "says:", "said:", "wrote:",
]);

lazy_set!(
    /// Nouns that name a statement ("made a declaration that …", "in a statement, …").
    is_cue_noun, &[
    "declaration", "statement", "announcement", "claim", "remarks", "comments", "interview",
    "speech", "tweet", "post", "letter", "report", "testimony", "assertion", "warning",
]);

lazy_set!(
    /// Pronouns that can be a speaker.
    is_subject_pronoun, &["he", "she", "they", "i", "we", "it", "you", "who"]);

lazy_set!(
    /// Auxiliaries and adverbs that may stand between a subject and its verb.
    is_aux_or_adv, &[
    "has", "had", "have", "also", "later", "then", "previously", "recently", "once", "repeatedly",
    "reportedly", "was", "is", "were", "are", "would", "will", "could", "might", "may", "should",
    "can", "did", "does", "do", "often", "again", "further", "flatly", "simply", "finally",
    "quickly", "publicly", "privately", "initially", "first", "last", "already", "earlier",
    "never", "always", "just", "still", "even", "frequently", "only", "long", "bluntly",
    "angrily", "calmly", "openly", "explicitly", "falsely", "wrongly", "correctly", "famously",
    "recently", "immediately", "quietly", "loudly", "proudly", "'s", "'d", "not", "n't",
    "apparently", "allegedly", "subsequently", "eventually", "ultimately", "separately",
    "elsewhere", "similarly", "likewise", "herself", "himself", "themselves", "itself",
]);
