//! `index.md` and `index.html` of an access package: in plain language, what is
//! held about the person, where, since when, for which purpose, on which lawful
//! basis and for how long (Art. 15(1)(a)–(h)), from the policy file.

use super::package::PackageContext;
use super::{esc, html_page};
use crate::i18n::Lang;
use crate::subject::find::RequestResult;
use crate::subject::hits::{Content, RecordRef, Role};
use std::collections::BTreeMap;

/// What the package says about one source.
struct SourceLine {
    source: String,
    own: usize,
    mentions: usize,
    /// Column names (or `messages`) of what is held.
    fields: Vec<String>,
    since: Option<String>,
    purpose: Option<String>,
    basis: Option<String>,
    retention: Option<String>,
}

pub struct Index {
    lang: Lang,
    request_id: String,
    as_of: String,
    sources: Vec<SourceLine>,
}

fn t(lang: Lang, en: &'static str, sv: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Sv => sv,
    }
}

/// Column names that say when a record was made.
const CREATED: [&str; 5] = ["created", "skapad", "registrerad", "registered", "since"];

impl Index {
    pub fn new(result: &RequestResult, ctx: &PackageContext<'_>) -> Index {
        let mut by: BTreeMap<&str, SourceLine> = BTreeMap::new();
        for r in &result.records {
            let sp = ctx.policy.and_then(|c| c.source_for(&r.source));
            let line = by.entry(&r.source).or_insert_with(|| SourceLine {
                source: r.source.clone(),
                own: 0,
                mentions: 0,
                fields: Vec::new(),
                since: None,
                purpose: sp.and_then(|p| p.purpose.clone()),
                basis: sp
                    .and_then(|p| p.lawful_basis)
                    .map(|b| format!("{} ({})", b.as_str(), b.article())),
                retention: sp
                    .and_then(|p| p.retention.as_ref())
                    .and_then(|r| r.keep_for)
                    .map(|k| k.to_string()),
            });
            match r.role {
                Role::Own => line.own += 1,
                Role::Mention => line.mentions += 1,
            }
            let mut date = None;
            match (&r.record, &r.content) {
                (RecordRef::Message { date: d, .. }, _) => {
                    date = d.clone();
                    push_unique(&mut line.fields, t(ctx.lang, "messages", "meddelanden"));
                }
                (
                    _,
                    Some(Content::Row {
                        headers,
                        fields,
                        structured,
                    }),
                ) if r.role == Role::Own => {
                    for ((h, v), s) in headers.iter().zip(fields).zip(structured.iter()) {
                        if *s || !v.trim().is_empty() {
                            push_unique(&mut line.fields, h);
                        }
                        let lower = h.to_lowercase();
                        if CREATED.iter().any(|c| lower.contains(c)) {
                            date = crate::policy::dates::parse_date(v).map(|(d, _)| d.to_string());
                        }
                    }
                }
                _ => {
                    for h in &r.hits {
                        push_unique(&mut line.fields, h.location.field());
                    }
                }
            }
            if let Some(d) = date
                && line.since.as_ref().is_none_or(|s| d < *s)
            {
                line.since = Some(d);
            }
        }
        Index {
            lang: ctx.lang,
            request_id: result.request.id.clone(),
            as_of: ctx.as_of.to_string(),
            sources: by.into_values().collect(),
        }
    }

    fn title(&self) -> String {
        format!(
            "{} ({})",
            t(self.lang, "Your personal data", "Dina personuppgifter"),
            self.request_id
        )
    }

    /// Paragraphs after the table: Art. 15(1)(c), (e)–(h) and 15(4).
    fn notes(&self) -> Vec<&'static str> {
        let l = self.lang;
        vec![
            t(
                l,
                "Recipients (Art. 15(1)(c)): the records above are held by us; recipients outside the company are not recorded in these sources.",
                "Mottagare (art. 15.1 c): uppgifterna ovan finns hos oss; mottagare utanför företaget framgår inte av dessa källor.",
            ),
            t(
                l,
                "Your rights (Art. 15(1)(e)): you may ask us to correct (Art. 16) or erase (Art. 17) your data, to restrict its use (Art. 18), and object to it (Art. 21). The files in this package are yours to take to another supplier (Art. 20).",
                "Dina rättigheter (art. 15.1 e): du kan begära rättelse (art. 16), radering (art. 17) eller begränsning (art. 18) och invända mot behandlingen (art. 21). Filerna i paketet kan du ta med till en annan leverantör (art. 20).",
            ),
            t(
                l,
                "Complaints (Art. 15(1)(f)): you may complain to the supervisory authority, in Sweden Integritetsskyddsmyndigheten (IMY), imy.se.",
                "Klagomål (art. 15.1 f): du kan klaga hos tillsynsmyndigheten Integritetsskyddsmyndigheten (IMY), imy.se.",
            ),
            t(
                l,
                "Where the data came from (Art. 15(1)(g)): from you, in your contacts with us, unless a source above says otherwise.",
                "Varifrån uppgifterna kommer (art. 15.1 g): från dig, i dina kontakter med oss, om inte en källa ovan säger annat.",
            ),
            t(
                l,
                "Automated decisions (Art. 15(1)(h)): none are made with these records.",
                "Automatiserade beslut (art. 15.1 h): inga fattas med dessa uppgifter.",
            ),
            t(
                l,
                "Other people's data (Art. 15(4)): e-mail addresses, phone numbers, national ids and other identifiers of other people in these records are masked.",
                "Andras uppgifter (art. 15.4): andra personers e-postadresser, telefonnummer, personnummer och andra identifierare i uppgifterna är maskerade.",
            ),
        ]
    }

    fn header(&self) -> [&'static str; 7] {
        let l = self.lang;
        [
            t(l, "Where", "Var"),
            t(l, "What (Art. 15(1)(b))", "Vad (art. 15.1 b)"),
            t(l, "Records", "Poster"),
            t(l, "Since", "Sedan"),
            t(l, "Purpose (Art. 15(1)(a))", "Ändamål (art. 15.1 a)"),
            t(l, "Lawful basis", "Rättslig grund"),
            t(l, "Kept for (Art. 15(1)(d))", "Sparas (art. 15.1 d)"),
        ]
    }

    fn rows(&self) -> Vec<[String; 7]> {
        let l = self.lang;
        let unknown = t(l, "not documented", "inte dokumenterat");
        self.sources
            .iter()
            .map(|s| {
                [
                    s.source.clone(),
                    s.fields.join(", "),
                    format!(
                        "{} {}, {} {}",
                        s.own,
                        t(l, "own", "egna"),
                        s.mentions,
                        t(l, "mentions", "omnämnanden")
                    ),
                    s.since.clone().unwrap_or_else(|| "-".into()),
                    s.purpose.clone().unwrap_or_else(|| unknown.into()),
                    s.basis.clone().unwrap_or_else(|| unknown.into()),
                    s.retention.clone().unwrap_or_else(|| unknown.into()),
                ]
            })
            .collect()
    }

    fn intro(&self) -> String {
        let l = self.lang;
        format!(
            "{} {}. {}",
            t(
                l,
                "What we hold about you as of",
                "Det här har vi om dig per"
            ),
            self.as_of,
            t(
                l,
                "The data itself is in data.json, one CSV file per source and the messages folder.",
                "Själva uppgifterna finns i data.json, en CSV-fil per källa och mappen messages."
            )
        )
    }

    pub fn markdown(&self) -> String {
        let cell = |s: &str| s.replace('|', "\\|").replace(['\n', '\r'], " ");
        let mut s = format!("# {}\n\n{}\n\n", self.title(), self.intro());
        let h = self.header();
        s.push_str(&format!(
            "| {} |\n|{}\n",
            h.join(" | "),
            "---|".repeat(h.len())
        ));
        for r in self.rows() {
            let r: Vec<String> = r.iter().map(|c| cell(c)).collect();
            s.push_str(&format!("| {} |\n", r.join(" | ")));
        }
        s.push('\n');
        for n in self.notes() {
            s.push_str(&format!("- {n}\n"));
        }
        s
    }

    pub fn html(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut b = format!(
            "<h1>{}</h1>\n<p>{}</p>\n<table><tr>",
            esc(&self.title()),
            esc(&self.intro())
        );
        for h in self.header() {
            b.push_str(&format!("<th>{}</th>", esc(h)));
        }
        b.push_str("</tr>\n");
        for r in self.rows() {
            b.push_str("<tr>");
            for c in r {
                b.push_str(&format!("<td>{}</td>", esc(&c)));
            }
            b.push_str("</tr>\n");
        }
        b.push_str("</table>\n<ul>\n");
        for n in self.notes() {
            b.push_str(&format!("<li>{}</li>\n", esc(n)));
        }
        b.push_str("</ul>\n");
        html_page(w, self.lang, &self.title(), &b)
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}
