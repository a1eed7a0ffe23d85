"""Writes examples/maritime-ledger.warc.gz: one archived page (the Maritime Ledger's follow-up on the Varrow silo
fire) as a Common Crawl-style WARC with warcinfo, request and response records. Deterministic: fixed dates and
record ids, so rerunning it reproduces the committed file.

Run: python examples/make_warc.py
"""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

URL = "https://maritime-ledger.example/2025/03/13/varrow-grain-fire-exports"
WARC_DATE = "2025-03-13T09:30:00Z"
OUT = Path(__file__).with_name("maritime-ledger.warc.gz")

PARAGRAPHS = [
    "Grain shippers are bracing for delays after a fire at the Port of Varrow's East Quay terminal shut the "
    "harbour on Tuesday, with traders warning that cargoes sold for March delivery could slip into April.",
    "The blaze started shortly after 5 a.m. in the upper gallery of Silo 4 at the East Quay grain terminal, where "
    "conveyors load wheat onto bulk carriers. Two firefighters were treated for smoke inhalation at Varrow "
    "General Hospital and released by midday.",
    "\u201cThe silo holds roughly 3,000 tonnes of wheat, and a grain fire like this one smoulders from the "
    "inside,\u201d Daniel Okafor, chief of the Varrow County Fire Service, said on Tuesday. \u201cWe are not going "
    "to open it up until we are sure there is no risk of a dust explosion.\u201d",
    "The East Quay terminal handles about a fifth of the grain exported through the region's ports, according to "
    "figures published by the authority last year.",
    "The approach channel reopened on Wednesday morning, but Silo 4 remained sealed and loading at the "
    "neighbouring berths was running at reduced speed, the port authority said in a notice to shipping.",
    "\u201cWe have two Panamax vessels nominated for East Quay this month, and right now nobody can tell us when "
    "they will load,\u201d said Oskar Vella, head of trading at Brightfield Grain. \u201cEvery day of waiting costs "
    "us demurrage, and the buyers in North Africa will not wait forever.\u201d",
    "Vella said his company was looking at moving part of its programme to Esk Harbour, about 90 kilometres to "
    "the south, although the terminal there has less storage capacity.",
    "Insurers are also watching closely. Claire Dufresne, a marine cargo underwriter at Halden Mutual, said grain "
    "silo fires often lead to large claims because wheat that is not burned can still be spoiled by smoke and "
    "water.",
    "\u201cThe fire itself is usually the smaller part of the loss,\u201d Dufresne said. \u201cWhat hurts is the "
    "grain that sits wet for a week while everyone argues about who is going to test it.\u201d",
    "The Dockworkers' Union has called for an independent inquiry into the dust extraction system at the "
    "terminal. The port authority has said it will cooperate with any investigation.",
    "Freight brokers said rates for small bulk carriers in the region rose slightly on Wednesday as charterers "
    "looked for alternatives. One broker, who asked not to be named because he was not authorised to speak "
    "publicly, said the market would settle \u201conce we know whether this is a three-day problem or a "
    "three-week problem.\u201d",
    "Marta Lindqvist, director of the Varrow Port Authority, told the Ledger on Wednesday that the authority hoped "
    "to resume full operations at East Quay \u201cwithin days, not weeks,\u201d but said that depended on the fire "
    "service's inspection of the silo.",
]

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Varrow silo fire puts March grain exports at risk - The Maritime Ledger</title>
<meta property="og:site_name" content="The Maritime Ledger">
<meta property="article:published_time" content="2025-03-13T07:00:00+00:00">
<link rel="canonical" href="{url}">
<script>var ledgerAds = {{slots: ["top", "side"]}};</script>
</head><body>
<nav><a href="/">The Maritime Ledger</a> <a href="/dry-bulk">Dry bulk</a> <a href="/tankers">Tankers</a>
<a href="/ports">Ports</a> <a href="/login">Log in</a></nav>
<article><h1>Varrow silo fire puts March grain exports at risk</h1>
<p class="byline">By Sven Aalto, Dry Bulk Correspondent</p>
{body}
</article>
<footer>The Maritime Ledger &middot; Shipping news since 1998 &middot; <a href="/terms">Terms</a></footer>
</body></html>
"""


def page() -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return PAGE.format(url=URL, body=body).encode("utf-8")


def write(out: Path = OUT) -> Path:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    info = w.create_warcinfo_record("maritime-ledger.warc.gz", {"software": "newstrace examples/make_warc.py"})
    _fix(info, "urn:uuid:00000000-0000-4000-8000-000000000001")
    w.write_record(info)
    req_headers = StatusAndHeaders("GET /2025/03/13/varrow-grain-fire-exports HTTP/1.1",
                                   [("Host", "maritime-ledger.example"), ("User-Agent", "newstrace-example")],
                                   protocol="HTTP/1.1")
    req = w.create_warc_record(URL, "request", http_headers=req_headers)
    _fix(req, "urn:uuid:00000000-0000-4000-8000-000000000002")
    w.write_record(req)
    html = page()
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                       ("Content-Length", str(len(html)))], protocol="HTTP/1.1")
    resp = w.create_warc_record(URL, "response", payload=io.BytesIO(html), http_headers=http)
    _fix(resp, "urn:uuid:00000000-0000-4000-8000-000000000003")
    w.write_record(resp)
    out.write_bytes(buf.getvalue())
    return out


def _fix(record, record_id: str) -> None:  # noqa: ANN001
    record.rec_headers.replace_header("WARC-Record-ID", f"<{record_id}>")
    record.rec_headers.replace_header("WARC-Date", WARC_DATE)


if __name__ == "__main__":
    print(write())
