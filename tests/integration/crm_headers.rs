//! Exports written the way real CRMs and ERPs write their headers: every personal
//! column is inventoried with its category, and company and deal columns are not.

use crate::common::*;
use std::collections::BTreeMap;

/// Scan one CSV and return its inventory: field → categories.
fn inventory(name: &str, csv: &str) -> BTreeMap<String, Vec<String>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, csv).expect("write");
    let out = gdpr_audit()
        .args(["scan", "--format", "json", "--no-config"])
        .arg(&path)
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let mut inv = BTreeMap::new();
    for e in report["inventory"].as_array().expect("inventory") {
        let cats = e["categories"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        inv.insert(e["field"].as_str().unwrap_or("").to_string(), cats);
    }
    inv
}

fn check(name: &str, csv: &str, personal: &[(&str, &str)], not_personal: &[&str]) {
    let inv = inventory(name, csv);
    for (field, cat) in personal {
        let cats = inv.get(*field);
        assert!(
            cats.is_some_and(|c| c.iter().any(|x| x == cat)),
            "{name}: {field} should be inventoried as {cat}, got {cats:?}"
        );
    }
    for field in not_personal {
        assert!(
            !inv.contains_key(*field),
            "{name}: {field} is not personal, got {:?}",
            inv.get(*field)
        );
    }
}

#[test]
fn salesforce_data_export_contacts() {
    let csv = "\
Id,AccountId,FirstName,LastName,MailingStreet,MailingPostalCode,MailingCity,Phone,MobilePhone,Email,Birthdate,OwnerId,LeadSource
0035g00000AbCdE,0015g00000XyZaB,Karin,Lindqvist,Sveavägen 44,113 59,Stockholm,08-123 456 70,070-212 34 56,karin.lindqvist@example.se,1979-04-12,Johan Ek,Web
0035g00000AbCdF,0015g00000XyZaC,Ola,Nordmann,Storgata 5,0155,Oslo,+47 22 33 44 55,+47 912 34 567,ola.nordmann@example.no,1983-11-02,Johan Ek,Partner
0035g00000AbCdG,0015g00000XyZaD,Mette,Sørensen,Vesterbrogade 12,1620,København,+45 33 12 34 56,+45 20 12 34 56,mette.s@example.dk,1990-01-30,Sara Holm,Web
0035g00000AbCdH,0015g00000XyZaE,Juha,Korhonen,Hämeenkatu 7,33100,Tampere,+358 3 123 4567,+358 40 123 4567,juha.korhonen@example.fi,1975-06-21,Sara Holm,Event
0035g00000AbCdI,0015g00000XyZaF,Emily,Clarke,14 Acacia Avenue,SW1A 1AA,London,+44 20 7946 0958,+44 7700 900123,emily.clarke@example.co.uk,1988-09-09,Johan Ek,Web
";
    check(
        "Contact.csv",
        csv,
        &[
            ("FirstName", "person_name"),
            ("LastName", "person_name"),
            ("MailingStreet", "postal_address"),
            ("Phone", "phone"),
            ("MobilePhone", "phone"),
            ("Email", "email"),
            ("Birthdate", "date_of_birth"),
            ("OwnerId", "person_name"),
        ],
        &[
            "Id",
            "AccountId",
            "LeadSource",
            "MailingPostalCode",
            "MailingCity",
        ],
    );
}

#[test]
fn hubspot_contacts_and_deals() {
    let csv = "\
Record ID,First Name,Last Name,Email,Phone Number,Contact owner,Company Name,Lifecycle Stage,Street Address,Postal Code
101,Anna,Svensson,anna.svensson@example.se,+46 70 123 45 67,Peter Lund,Nordvik Hem AB,Lead,Storgatan 8,412 43
102,Erik,Johansson,erik.j@example.se,+46 73 987 65 43,Peter Lund,Bygg & Montage i Lund AB,Customer,Kungsgatan 3,211 49
103,Sigrid,Haugen,sigrid@example.no,+47 913 45 678,Lisa Berg,Haugen Transport AS,Lead,Karl Johans gate 22,0162
104,Pekka,Mäkelä,pekka.makela@example.fi,+358 50 765 4321,Lisa Berg,Mäkelä Oy,Opportunity,Aleksanterinkatu 15,00100
105,Laura,Nielsen,laura.nielsen@example.dk,+45 21 43 65 87,Peter Lund,Nielsen Design ApS,Customer,Nørrebrogade 45,2200
";
    check(
        "hubspot-contacts.csv",
        csv,
        &[
            ("First Name", "person_name"),
            ("Last Name", "person_name"),
            ("Email", "email"),
            ("Phone Number", "phone"),
            ("Contact owner", "person_name"),
            ("Street Address", "postal_address"),
        ],
        &[
            "Record ID",
            "Company Name",
            "Lifecycle Stage",
            "Postal Code",
        ],
    );
    let deals = "\
Deal Name,Deal Stage,Amount,Currency,Deal owner,Pipeline,Close Date
Ramavtal kontorsmöbler 2025,Closed Won,125000,SEK,Peter Lund,Sales Pipeline,2025-03-31
Licenser Q2,Contract Sent,48000,NOK,Lisa Berg,Sales Pipeline,2025-06-30
Support Plus,Qualified To Buy,12000,EUR,Peter Lund,Sales Pipeline,2025-05-15
Konsulttimmar vår,Appointment Scheduled,90000,SEK,Lisa Berg,Sales Pipeline,2025-04-01
Utbildning ledare,Closed Lost,30000,DKK,Peter Lund,Sales Pipeline,2025-02-28
";
    check(
        "hubspot-deals.csv",
        deals,
        &[("Deal owner", "person_name")],
        &["Deal Name", "Deal Stage", "Amount", "Currency", "Pipeline"],
    );
}

#[test]
fn dynamics_logical_names() {
    let csv = "\
contactid,firstname,lastname,fullname,emailaddress1,emailaddress2,telephone1,mobilephone,address1_line1,address1_postalcode,address1_city,birthdate,parentcustomeridname,owninguser,industrycode
c1,Lena,Berg,Lena Berg,lena.berg@example.se,lena@home.example,031-12 34 56,070-111 22 33,Drottninggatan 5,411 14,Göteborg,1969-02-14,Nordvik Hem AB,Johan Ek,Retail
c2,Knut,Hansen,Knut Hansen,knut.hansen@example.no,knut@home.example,+47 22 11 22 33,+47 900 11 222,Bygdøy allé 10,0257,Oslo,1972-07-07,Hansen Bygg AS,Johan Ek,Construction
c3,Søren,Jensen,Søren Jensen,soren@example.dk,s.jensen@home.example,+45 33 11 22 33,+45 40 11 22 33,Østergade 1,1100,København,1985-05-05,Jensen ApS,Sara Holm,Retail
c4,Aino,Virtanen,Aino Virtanen,aino.virtanen@example.fi,aino@home.example,+358 9 123 456,+358 44 123 4567,Mannerheimintie 10,00100,Helsinki,1991-12-24,Virtanen Oy,Sara Holm,Services
c5,Tom,Harris,Tom Harris,tom.harris@example.co.uk,tom@home.example,+44 161 496 0000,+44 7700 900456,221B Baker Street,NW1 6XE,London,1980-03-03,Harris Ltd,Johan Ek,Finance
";
    check(
        "contacts-dataverse.csv",
        csv,
        &[
            ("firstname", "person_name"),
            ("lastname", "person_name"),
            ("fullname", "person_name"),
            ("emailaddress1", "email"),
            ("emailaddress2", "email"),
            ("telephone1", "phone"),
            ("mobilephone", "phone"),
            ("address1_line1", "postal_address"),
            ("birthdate", "date_of_birth"),
            ("owninguser", "person_name"),
        ],
        &[
            "contactid",
            "industrycode",
            "address1_postalcode",
            "address1_city",
        ],
    );
}

#[test]
fn nordic_erp_and_crm_headers() {
    let csv = "\
Kundnr;Förnamn;Efternamn;Företag;Organisationsnummer;Gatuadress;Postnummer;Postort;Mobiltelefon;E-post;Ansvarig säljare;Bransch
1001;Maria;Nilsson;Nilssons Blommor AB;556677-8899;Storgatan 12;114 36;Stockholm;070-123 45 67;maria@nilssonsblommor.se;Anders Berg;Handel
1002;Per;Olsson;Olsson Bygg AB;556123-4567;Kyrkogatan 4;291 31;Kristianstad;073-111 22 33;per@olssonbygg.se;Anders Berg;Bygg
1003;Eva;Lindström;Lindström Konsult AB;559011-2233;Vasagatan 20;411 24;Göteborg;076-555 44 33;eva@lindstromkonsult.se;Karin Ek;Konsult
1004;Johan;Persson;Persson & Co HB;969612-3456;Järnvägsgatan 3;252 24;Helsingborg;072-999 88 77;johan@perssonco.se;Karin Ek;Handel
1005;Sara;Karlsson;Karlssons Café AB;556998-7766;Ågatan 8;582 22;Linköping;070-444 55 66;sara@karlssonscafe.se;Anders Berg;Restaurang
";
    check(
        "lime-kunder.csv",
        csv,
        &[
            ("Förnamn", "person_name"),
            ("Efternamn", "person_name"),
            ("Gatuadress", "postal_address"),
            ("Mobiltelefon", "phone"),
            ("E-post", "email"),
            ("Ansvarig säljare", "person_name"),
        ],
        &[
            "Kundnr",
            "Företag",
            "Organisationsnummer",
            "Bransch",
            "Postnummer",
            "Postort",
        ],
    );
    let fi = "\
Etunimi,Sukunimi,Sähköposti,Matkapuhelin,Katuosoite,Postinumero,Postitoimipaikka,Yritys,Y-tunnus,Vastuuhenkilö
Matti,Virtanen,matti.virtanen@example.fi,040 123 4567,Hämeenkatu 7,33100,Tampere,Virtanen Oy,1234567-8,Liisa Laine
Aino,Korhonen,aino.korhonen@example.fi,050 765 4321,Mannerheimintie 10,00100,Helsinki,Korhonen Ky,2345678-9,Liisa Laine
Jukka,Nieminen,jukka@example.fi,044 111 2233,Kauppakatu 3,40100,Jyväskylä,Nieminen Tmi,3456789-0,Timo Salo
Sanna,Mäkinen,sanna.makinen@example.fi,045 222 3344,Rautatienkatu 21,90100,Oulu,Mäkinen Oyj,4567890-1,Timo Salo
Ville,Heikkinen,ville@example.fi,041 333 4455,Puistotie 2,20100,Turku,Heikkinen Oy,5678901-2,Liisa Laine
";
    check(
        "asiakkaat.csv",
        fi,
        &[
            ("Etunimi", "person_name"),
            ("Sukunimi", "person_name"),
            ("Sähköposti", "email"),
            ("Matkapuhelin", "phone"),
            ("Katuosoite", "postal_address"),
            ("Vastuuhenkilö", "person_name"),
        ],
        &["Yritys", "Y-tunnus", "Postinumero", "Postitoimipaikka"],
    );
}

#[test]
fn headers_that_say_nothing_are_decided_by_the_values() {
    let csv = "\
Field1,Field2,Field3,Field4,Field5
A-1001,Anna Svensson,Storgatan 12,Kontorsstol Ergo,1200
A-1002,Lars Hansen,Karl Johans gate 22,Skrivbord Pro,8400
A-1003,Mette Nielsen,Vesterbrogade 12,Licens Bas,990
A-1004,Juha Virtanen,Hämeenkatu 7,Support Plus,4500
A-1005,Emily Clarke,14 Acacia Avenue,Konsulttimmar,12000
A-1006,Ingrid Johansson,Kungsgatan 3,Licens Bas,990
";
    check(
        "export.csv",
        csv,
        &[("Field2", "person_name"), ("Field3", "postal_address")],
        &["Field1", "Field4", "Field5"],
    );
}

#[test]
fn role_mailboxes_and_user_ids_are_not_personal() {
    let csv = "\
Kundenummer;Navn;Fakturaepost;Kontaktperson;Kontaktperson e-post;OwnerId
20001;Fjordbygg AS;faktura@fjordbygg.no;Ole Hansen;ole.hansen@fjordbygg.no;0055g00000Hq1xYAAR
20002;Havfisk AS;regnskap@havfisk.no;Ingrid Solberg;ingrid.solberg@havfisk.no;0055g00000Hq1xYAAR
20003;Nordlys Regnskap AS;post@nordlysregnskap.no;Kari Nilsen;kari@nordlysregnskap.no;0055g00000Hq1xZAAR
20004;Bergen Bilutleie AS;invoice@bergenbil.no;Per Olsen;per.olsen@bergenbil.no;0055g00000Hq1xZAAR
20005;Tromsø Tre AS;faktura@tromsotre.no;Siri Moe;siri.moe@tromsotre.no;0055g00000Hq1xYAAR
";
    check(
        "kunder.csv",
        csv,
        &[
            ("Kontaktperson", "person_name"),
            ("Kontaktperson e-post", "email"),
        ],
        &["Navn", "Fakturaepost", "OwnerId", "Kundenummer"],
    );
}

#[test]
fn a_name_column_of_companies_is_not_a_person() {
    let csv = "\
Name,Industry,Phone,Website
Nordvik Hem & Kontor AB,Retail,08-123 456 70,nordvik.example
Haugen Transport AS,Logistics,+47 22 33 44 55,haugen.example
Virtanen Oy,Services,+358 9 123 456,virtanen.example
Jensen Design ApS,Design,+45 33 12 34 56,jensen.example
Harris Consulting Ltd,Consulting,+44 20 7946 0958,harris.example
";
    check(
        "Account.csv",
        csv,
        &[("Phone", "phone")],
        &["Name", "Industry", "Website"],
    );
}
