"""A DNS server on loopback (UDP, dnspython's wire format) answering TXT records from a dict:
DKIM keys and SPF policies for our own checks, with no internet. Unknown names get NXDOMAIN,
other record types of known names an empty answer."""

from __future__ import annotations

import socketserver
import threading
from typing import Any, Self

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class FakeDns:
    def __init__(self, txt: dict[str, bytes]) -> None:
        self.txt = {name.rstrip(".").lower(): value for name, value in txt.items()}
        self.queries: list[str] = []
        records, queries = self.txt, self.queries

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data, sock = self.request
                query = dns.message.from_wire(data)
                answer = dns.message.make_response(query)
                question = query.question[0]
                name = question.name.to_text().rstrip(".").lower()
                queries.append(name)
                value = records.get(name)
                if value is None:
                    answer.set_rcode(dns.rcode.NXDOMAIN)
                elif question.rdtype == dns.rdatatype.TXT:
                    # TXT strings are at most 255 octets each: a 2048-bit key needs several
                    chunks = " ".join(f'"{value[i:i + 250].decode()}"'
                                      for i in range(0, len(value), 250))
                    answer.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT",
                                                             chunks))
                answer.flags |= dns.flags.AA
                sock.sendto(answer.to_wire(), self.client_address)

        self._server = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
