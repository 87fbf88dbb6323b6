#!/usr/bin/env python3
"""Generate the hostile inputs of scripts/bench-hostile.sh into OUT (large files are
made here, at benchmark time, never kept in git).

  many.csv          one CSV field holding 184,000 personnummer + keyword pairs
  oneline.eml       a message whose body is one 6.6 MB line of identifiers
  attachment.eml    a message with a 200 MB base64-encoded CSV attachment
  wide.csv          1,000,000 columns, 5 rows (88 MB)
  bad-rule.yaml     a rule whose pattern is pathological: (?:a|aa){100}{100}
"""
import base64
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
PAIR = "pnr 19121212-1212 sjukskriven, "


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


write("many.csv", 'id,notes\n1,"' + PAIR * 184_000 + '"\n')

body = ("kund anna@example.se tel 070-123 45 67 pnr 19121212-1212 " * 110_000)[:6_600_000]
write(
    "oneline.eml",
    "From: a@example.se\r\nTo: b@example.se\r\nSubject: x\r\nMessage-ID: <m1@example.se>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n",
)

row = "19121212-1212;anna@example.se;070-1234567;Storgatan 1\n"
with open(os.path.join(out, "attachment.eml"), "wb") as f:
    f.write(
        b"From: a@example.se\r\nTo: b@example.se\r\nSubject: export\r\n"
        b"Message-ID: <m2@example.se>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
        b"Content-Type: text/plain\r\n\r\nsee attached\r\n--B\r\n"
        b'Content-Type: text/csv; name="export.csv"\r\n'
        b'Content-Disposition: attachment; filename="export.csv"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
    )
    chunk = (row * 3000).encode()[: 57 * 3000]  # whole base64 lines
    enc = base64.encodebytes(chunk).replace(b"\n", b"\r\n")
    written = 0
    while written < 200_000_000:
        f.write(enc)
        written += len(enc)
    f.write(b"--B--\r\n")

with open(os.path.join(out, "wide.csv"), "w") as f:
    cols = 1_000_000
    f.write(",".join(f"c{i}" for i in range(cols)) + "\n")
    for r in range(5):
        f.write(",".join(str((i * 7 + r) % 100000) for i in range(cols)) + "\n")

write(
    "bad-rule.yaml",
    "rules:\n  - id: x.bad\n    name: Bad\n    description: pathological\n"
    "    category: health\n    severity: high\n"
    "    patterns: ['(?:a|aa){100}{100}']\n"
    "    examples: {match: [], no_match: []}\n",
)
