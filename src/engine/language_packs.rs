//! The special-category packs run together on every text, whatever its language:
//! notes written the way staff write them (abbreviations, missing letters, mixed
//! languages) must be found with the right category, and near-misses in every
//! language must not produce any special-category match from any pack.

use super::Matcher;
use crate::model::Category;
use crate::rules::RuleSet;

fn special(m: &mut Matcher, text: &str) -> Vec<Category> {
    let mut out = Vec::new();
    m.scan(text, "notes", &mut out);
    let rules = m.rules();
    let mut cats: Vec<Category> = out
        .iter()
        .map(|x| rules.rules[x.rule].category)
        .filter(|c| c.is_special())
        .collect();
    cats.dedup();
    cats
}

fn matcher() -> Matcher {
    Matcher::new(RuleSet::builtin().expect("bundled rules compile"))
}

const FOUND: &[(&str, Category)] = &[
    // Norwegian
    ("ringte, han er sykemeldt t.o.m. fredag", Category::Health),
    (
        "Kontakt er langtidssykmeldt, snakk med Per istedet",
        Category::Health,
    ),
    (
        "hun har fått påvist lungekreft, avtale satt på vent",
        Category::Health,
    ),
    (
        "sliter med angst etter ulykka, ikke press",
        Category::Health,
    ),
    (
        "er gravid, termin i mai. ny kontakt fra april",
        Category::Health,
    ),
    (
        "bruker rullestol - bestill levering til 1. etg",
        Category::Health,
    ),
    (
        "Medlem av Fagforbundet og tillitsvalgt på jobben",
        Category::TradeUnion,
    ),
    ("sitter i bystyret for Arbeiderpartiet", Category::Political),
    ("pinsevenn, vil ikke ha julegave", Category::Religion),
    (
        "tidligere dømt for underslag iflg. avisa",
        Category::Criminal,
    ),
    (
        "straffeattesten hadde anmerkning, ingen kreditt",
        Category::Criminal,
    ),
    ("har tatt gentest, bærer av BRCA2", Category::Genetic),
    ("fortalte at hun er lesbisk", Category::SexLife),
    (
        "fingeravtrykket hennes lagres i adgangskontrollen",
        Category::Biometric,
    ),
    ("har samisk bakgrunn", Category::Ethnicity),
    // Danish
    ("er sygemeldt hele ugen, ring til Jens", Category::Health),
    ("kunden er syg, vi flytter mødet", Category::Health),
    (
        "hun er gået ned med stress, sygemeldt til 1/4",
        Category::Health,
    ),
    (
        "har sukkersyge og vil have levering om formiddagen",
        Category::Health,
    ),
    (
        "tillidsrepræsentant for 3F på lageret",
        Category::TradeUnion,
    ),
    (
        "medlem af Dansk Metal, spørg om rabat",
        Category::TradeUnion,
    ),
    ("byrådsmedlem for Enhedslisten", Category::Political),
    ("dømt for vold i 2020, forudbetaling", Category::Criminal),
    ("sidder i fængsel til foråret", Category::Criminal),
    ("Jehovas vidne, ingen julekort", Category::Religion),
    ("sidder i kørestol, leverer i stuen", Category::Health),
    // Finnish
    ("asiakas sairauslomalla 15.3. asti", Category::Health),
    (
        "yhteyshenkilö on saikulla, soita ensi viikolla",
        Category::Health,
    ),
    ("sairastui syöpään, sopimus jäissä", Category::Health),
    ("on raskaana, uusi yhteyshlö kesäkuusta", Category::Health),
    ("kärsii masennuksesta, älä painosta", Category::Health),
    ("Tehyn luottamusmies sairaalassa", Category::TradeUnion),
    (
        "kuuluu ammattiliittoon, kysyi jäsenetua",
        Category::TradeUnion,
    ),
    ("kokoomuksen kaupunginvaltuutettu", Category::Political),
    ("tuomittiin petoksesta viime vuonna", Category::Criminal),
    ("rikosrekisteriotteessa merkintä", Category::Criminal),
    (
        "lestadiolainen perhe, ei sunnuntaisoittoja",
        Category::Religion,
    ),
    (
        "liikkuu pyörätuolilla, toimitus katutasoon",
        Category::Health,
    ),
    (
        "sairauslomalla, laakari kirjoitti todistuksen",
        Category::Health,
    ),
    // Finland-Swedish
    ("sjukledig till slutet av mars", Category::Health),
    ("förtroendeman för JHL på sjukhuset", Category::TradeUnion),
    (
        "fått straffregisterutdrag med anmärkning",
        Category::Criminal,
    ),
    // every language: medicines, abbreviations, origin, carrier status
    ("tar Eliquis sedan i våras, inga ingrepp", Category::Health),
    ("har KOL, orkar inte trappor", Category::Health),
    (
        "han er oprindeligt fra Irak, taler godt dansk",
        Category::Ethnicity,
    ),
    (
        "bærer genet for hemokromatose ifølge ham selv",
        Category::Genetic,
    ),
    (
        "voted Tory all his life, avoid Brexit talk",
        Category::Political,
    ),
    // Swedish and English, without the Nordic letters
    (
        "Kunden ar sjukskriven och domd for misshandel",
        Category::Health,
    ),
    ("domd for misshandel 2019", Category::Criminal),
];

const NOT_FOUND: &[&str] = &[
    // Norwegian
    "Det var sykt bra at de signerte!",
    "Fagforbundet bestilte 150 kalendere, faktura sendt",
    "Ta til høyre ved rundkjøringen",
    "Firmafest for kundene 12. juni",
    "Sertifikatets fingeravtrykk er byttet",
    "Appen støtter pålogging med fingeravtrykk",
    "Unionen mellom Norge og Sverige er tema på kurset",
    "Et parti varer kom i går",
    "Kreftforeningen er ny kunde",
    "Den økonomiske depresjonen rammet bransjen",
    // Danish
    "Det var sygt godt klaret af jer",
    "HK Danmark bestilte 40 pakker, faktura sendt",
    "Vi holder fest på fredag",
    "Den store depression i 30'erne",
    "Stjernetegn: Krebsen, fødselsdag i juli",
    "Drej til venstre ved kirken",
    "Certifikatets fingeraftryk er opdateret",
    // Finnish
    "Tarjous oli sairaan hyvä",
    "Teollisuusliitto tilasi 300 kalenteria jäsenilleen",
    "Pikkujoulujuhlat pidetään joulukuussa",
    "Varmenteen sormenjälki vaihdettu",
    "Sovellus tukee kirjautumista sormenjäljellä",
    "1990-luvun lama koetteli alaa",
    "Projekti oli tuomittu epäonnistumaan",
    "Euroopan unionin tukiohjelma haettu",
    "Kuopion vankila tilasi 20 tuolia",
    "Homo sapiens -näyttely avautuu",
    // Swedish and English
    "Her star sign is Cancer, birthday in July",
    "The server's SSH key fingerprint changed",
    "Our app supports biometric login",
    "That demo was sick!",
    "Christmas party on 12 December",
    "The Nordic Union of Wholesalers is a new customer",
    "IF Metall beställde 300 almanackor",
    // every language
    "Skicka fakturan till ekonomi@nordvik.se",
    "Apoteket beställde 20 kartonger Eliquis till lagret",
    "Kaffet kommer från Etiopien, ekologiskt",
    "Vi har MS Teams men inte Zoom",
    "Försenat pga backloggen på lagret",
    "Ordren kommer fra Kina med skip",
];

#[test]
fn notes_in_every_language_are_found() {
    let mut m = matcher();
    let mut missed = Vec::new();
    for (text, cat) in FOUND {
        let got = special(&mut m, text);
        if !got.contains(cat) {
            missed.push(format!("{text:?}: expected {cat:?}, got {got:?}"));
        }
    }
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
}

#[test]
fn near_misses_in_every_language_stay_out() {
    let mut m = matcher();
    let mut wrong = Vec::new();
    for text in NOT_FOUND {
        let got = special(&mut m, text);
        if !got.is_empty() {
            wrong.push(format!("{text:?}: got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "false positives:\n{}", wrong.join("\n"));
}
