#!/usr/bin/env python3
"""Write the small, deterministic example data in examples/ (run from the repo root).

Everything here is invented: names are common Swedish names, identity numbers are
generated with valid checksums for birth dates that are made up, and all domains of
the company are example domains. Re-running gives byte-identical files.
"""
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "examples"
rng = random.Random(20261129)

FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per",
         "Emma", "Nils", "Ingrid", "Oskar", "Linnea", "Ahmed", "Fatima", "Mikael", "Helena", "Jonas"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
        "Svensson", "Gustafsson", "Lindberg", "Berg", "Holm", "Ali", "Lundqvist", "Ek"]
STREETS = ["Storgatan", "Kungsgatan", "Drottninggatan", "Skolgatan", "Björkvägen", "Tallvägen", "Ringvägen"]
CITIES = [("Stockholm", "114"), ("Göteborg", "413"), ("Malmö", "211"), ("Uppsala", "753"), ("Umeå", "903"), ("Lund", "223")]
COMPANIES = ["Nordvik Bygg AB", "Ek & Son Handel AB", "Fjällkraft Konsult AB", "", "", "Solberg Måleri AB"]
DOMAINS = ["example.se", "example.com", "exempel.se"]


def luhn_digit(digits):
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def personnummer():
    year = rng.randint(1940, 2004)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    serial = f"{rng.randint(0, 999):03d}"
    ten = f"{year % 100:02d}{month:02d}{day:02d}{serial}"
    return f"{year}{month:02d}{day:02d}-{serial}{luhn_digit(ten)}"


def phone():
    return rng.choice([
        lambda: f"07{rng.choice('0236')}-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        lambda: f"08-{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(10, 99)}",
        lambda: f"+46 7{rng.choice('0236')} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
    ])()


def luhn_card(prefix, length=16):
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    card = body + str((10 - total % 10) % 10)
    return " ".join(card[i:i + 4] for i in range(0, len(card), 4))


NOTES = [
    "", "", "", "",
    "Vill ha offert på nya kontorsstolar före jul.",
    "Ringde om leveransen, allt ok.",
    "Faktura 88213904 betald.",
    "Kunden vill avboka mötet, ny tid bokas senare.",
    "Ordernummer 4512-778812, levererat.",
    "Ring tillbaka på {phone} efter kl 15.",
    "Ny e-post: {email2}",
    "Kontakta frun istället, hennes pnr {pnr2} finns i avtalet.",
    "Sjukskriven till slutet av månaden, hör av oss i maj.",
    "Har diabetes, vill inte ha godis på mässan.",
    "Medlem i Unionen, ville prata om kollektivavtal.",
    "Kortnummer {card} (exp 09/27) för återkommande betalning.",
    "Lösenord: Sommar2024! till kundportalen.",
    "Troende muslim, boka inte möten under ramadan.",
    "Dömd för bedrägeri 2019 enligt tidningen – kontrollera betalningar.",
    "Född {dob}, fyller 50 i år.",
    "Utbränd sedan i höstas, tar det lugnt.",
    "Recept på kakor från julfesten mejlas ut.",
    "Europeiska unionen har nya regler om moms.",
]


def note(first, last):
    t = rng.choice(NOTES)
    return t.format(
        phone=phone(),
        email2=f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}",
        pnr2=personnummer(),
        card=luhn_card(rng.choice(["4", "51", "55"])),
        dob=f"{rng.randint(1960, 1990)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    )


def contacts():
    rows = ["id;förnamn;efternamn;e-post;telefon;personnummer;gatuadress;postnummer;ort;företag;senaste_köp;marknadsföring;samtycke_datum;anteckningar"]
    for i in range(1, 151):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        city, pc = rng.choice(CITIES)
        email = f"{first.lower()}.{last.lower()}@{rng.choice(DOMAINS)}".replace("å", "a").replace("ä", "a").replace("ö", "o")
        if i == 17:
            email = phone()  # a phone number typed into the e-mail column
        last_purchase = f"{rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        opt_in = rng.choice(["ja", "nej", "ja", ""])
        consent = "" if rng.random() < 0.2 else f"{rng.randint(2018, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        text = note(first, last).replace(";", ",")
        if '"' in text or "\n" in text:
            text = '"' + text.replace('"', '""') + '"'
        rows.append(";".join([
            str(1000 + i), first, last, email, phone(), personnummer() if rng.random() > 0.1 else "",
            f"{rng.choice(STREETS)} {rng.randint(1, 90)}", f"{pc} {rng.randint(10, 99)}", city,
            rng.choice(COMPANIES), last_purchase, opt_in, consent, text,
        ]))
    (OUT / "crm").mkdir(parents=True, exist_ok=True)
    (OUT / "crm" / "kontakter.csv").write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8"))


MESSAGES = [
    ("Karin Holm <karin.holm@example.se>", "support@nordvik.example", "Sjukanmälan", "Thu, 06 Mar 2025 08:12:00 +0100",
     "Hej,\n\nJag är sjukskriven hela veckan efter operationen, så mötet på torsdag får flyttas.\n"
     "Mitt personnummer är 19780512-4421 om ni behöver det för ärendet.\n\nMvh\nKarin Holm\n070-312 45 67\n"),
    ("Erik Berg <erik.berg@example.com>", "order@nordvik.example", "Order 4512-778812", "Mon, 10 Mar 2025 14:02:11 +0100",
     "Hi,\n\nOrder 4512-778812 arrived in good shape, thanks. Invoice 88213904 is paid.\n\nBest,\nErik\n"),
    ("=?iso-8859-1?Q?G=F6ran_Lindberg?= <goran.lindberg@example.se>", "kundtjanst@nordvik.example", "=?utf-8?Q?Fr=C3=A5ga_om_faktura?=",
     "Tue, 18 Mar 2025 09:30:00 +0100",
     "Hej!\n\nKan ni dra pengarna från kortet 4111 1111 1111 1111 i stället?\nJag är medlem i Kommunal och fick ert erbjudande via facket.\n\n/Göran\n"),
    ("Anna Svensson <anna.svensson@example.se>", "support@nordvik.example", "Inloggning", "Wed, 02 Apr 2025 16:45:00 +0200",
     "Hej,\n\nJag kommer inte in. Mitt lösenord: Vinter2025? fungerar inte längre. Min IP-adress är 81.227.14.200.\n\nAnna\n"),
]


def mbox():
    parts = []
    for i, (frm, to, subj, date, body) in enumerate(MESSAGES, 1):
        addr = frm.split("<")[-1].rstrip(">")
        body = body.replace("\nFrom ", "\n>From ")
        parts.append(
            f"From {addr} {date}\n"
            f"From: {frm}\nTo: {to}\nSubject: {subj}\nDate: {date}\n"
            f"Message-ID: <example-{i}@nordvik.example>\nMIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{body}\n"
        )
    (OUT / "mail").mkdir(parents=True, exist_ok=True)
    (OUT / "mail" / "kundtjanst.mbox").write_text("".join(parts), encoding="utf-8")


def eml():
    csv_att = "namn;e-post;telefon\r\nNils Ek;nils.ek@example.se;073-555 12 34\r\nSara Ali;sara.ali@example.com;08-123 456 78\r\n"
    import base64
    b64 = base64.b64encode(csv_att.encode("utf-8")).decode("ascii")
    msg = (
        "From: Per Persson <per.persson@nordvik.example>\r\n"
        "To: Lars Olsson <lars.olsson@nordvik.example>\r\n"
        "Subject: =?utf-8?Q?Kundlista_inf=C3=B6r_m=C3=A4ssan?=\r\n"
        "Date: Fri, 04 Apr 2025 10:00:00 +0200\r\n"
        "Message-ID: <example-list@nordvik.example>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n"
        "--XYZ\r\nContent-Type: multipart/alternative; boundary=\"ALT\"\r\n\r\n"
        "--ALT\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "H=E4r =E4r listan. Ring mig p=E5 070-987 65 43 om n=E5got saknas.\r\n\r\n"
        "--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<p>H&auml;r &auml;r listan. Ring mig p&aring; 070-987 65 43 om n&aring;got saknas.</p>\r\n"
        "--ALT--\r\n"
        "--XYZ\r\nContent-Type: text/csv; charset=utf-8\r\n"
        "Content-Disposition: attachment; filename*=utf-8''kundlista_m%C3%A4ssan.csv\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n"
        "--XYZ--\r\n"
    )
    (OUT / "mail" / "kundlista.eml").write_bytes(msg.encode("ascii"))


def config():
    (OUT / "gdpr-audit.yaml").write_text(
        "# Policy for the example data; see the README for every key.\n"
        "sources:\n"
        "  - path: \"crm/kontakter.csv\"\n"
        "    purpose: \"Kundrelationer och order\"\n"
        "    lawful_basis: contract\n"
        "    id_field: id\n"
        "    fields: {förnamn: person_name, efternamn: person_name, e-post: email, telefon: phone,\n"
        "             personnummer: national_id, gatuadress: postal_address, anteckningar: free_text}\n"
        "    retention: {date_field: senaste_köp, keep_for: 24 months}\n"
        "    marketing: {opt_in_field: marknadsföring, opt_in_values: [\"ja\"], consent_date_field: samtycke_datum}\n"
        "  - path: \"mail/**\"\n"
        "    purpose: \"Kundtjänst\"\n"
        "    lawful_basis: legitimate_interests\n"
        "    balancing_test: \"docs/intresseavvagning-kundtjanst.pdf\"\n"
        "    retention: {keep_for: 36 months}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    contacts()
    mbox()
    eml()
    config()
    print("wrote", OUT)
