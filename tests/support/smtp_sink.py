"""A real SMTP server for the mail tests (aiosmtpd).

Listens on 127.0.0.1:PORT and writes every accepted message, byte for byte as it arrived, to
DIR/NNNNNN.eml, with the envelope recipients in DIR/NNNNNN.rcpt. Recipients whose local part
starts with "bounce" are refused with 550, a permanent failure. Prints "ready" once it
listens, and stops when its standard input closes (the test that started it is gone).

    python3 smtp_sink.py PORT DIR
"""

import itertools
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@", 1)[0].startswith("bounce"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(self.folder, "%06d" % next(self.numbers))
        with open(name + ".rcpt.partial", "w", encoding="utf-8") as out:
            out.write("\n".join(envelope.rcpt_tos))
        os.rename(name + ".rcpt.partial", name + ".rcpt")
        with open(name + ".eml.partial", "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.rename(name + ".eml.partial", name + ".eml")
        return "250 Message accepted"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
