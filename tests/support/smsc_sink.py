"""A real SMPP 3.4 server for the SMS tests (the smpp34 package's SMSC).

Listens on 127.0.0.1:PORT and accepts every bind. Every submit_sm is accepted with a message
id M000001, M000002 … and appended as one JSON line to DIR/submits.jsonl (the system id the
session bound with, the addresses, esm_class, data_coding, registered_delivery, the message
bytes in hex and the time it arrived). When the submit asks for a receipt, a delivery receipt
(deliver_sm, esm_class 0x04, "id:… stat:DELIVRD …") follows at once; "stat:UNDELIV" for a
number named by an `undeliverable` command. Prints "ready" once it listens.

Commands, one per line on standard input:

    mo SOURCE DESTINATION TEXT     a text from a handset (deliver_sm) to the bound client
    undeliverable NUMBER           receipts for NUMBER say UNDELIV from now on

It stops when its standard input closes (the test that started it is gone).

    python3 smsc_sink.py PORT DIR
"""

import asyncio
import itertools
import json
import os
import sys
import time

import smpp34

TLV_RECEIPTED_MESSAGE_ID = 0x001E
TLV_MESSAGE_STATE = 0x0427


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.numbers = itertools.count(1)
        self.sessions = {}
        self.latest = None
        self.undeliverable = set()

    def record(self, name, line):
        with open(os.path.join(self.folder, name), "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
            out.flush()

    async def submitted(self, event):
        message_id = "M%06d" % next(self.numbers)
        esme = self.sessions.get(event.session_id)
        self.record(
            "submits.jsonl",
            {
                "message_id": message_id,
                "system_id": esme.system_id if esme else None,
                "source": event.source_addr,
                "destination": event.destination_addr,
                "esm_class": event.esm_class,
                "data_coding": event.data_coding,
                "registered_delivery": event.registered_delivery,
                "short_message": event.short_message.hex(),
                "at": time.time(),
            },
        )
        event.accept(message_id)
        if event.registered_delivery & 0x01 and esme is not None:
            asyncio.ensure_future(self.receipt(esme, event, message_id))

    async def receipt(self, esme, event, message_id):
        delivered = event.destination_addr not in self.undeliverable
        stamp = time.strftime("%y%m%d%H%M")
        text = "id:%s sub:001 dlvr:%s submit date:%s done date:%s stat:%s err:%s text:" % (
            message_id,
            "001" if delivered else "000",
            stamp,
            stamp,
            "DELIVRD" if delivered else "UNDELIV",
            "000" if delivered else "001",
        )
        await esme.deliver_sm(
            event.source_addr,
            text.encode("ascii"),
            source_addr=event.destination_addr,
            esm_class=0x04,
            tlvs=[
                smpp34.Tlv(TLV_RECEIPTED_MESSAGE_ID, message_id.encode("ascii") + b"\0"),
                smpp34.Tlv(TLV_MESSAGE_STATE, bytes([2 if delivered else 5])),
            ],
        )

    async def serve(self, server):
        while True:
            event = await server.next()
            if isinstance(event, smpp34.Esme):
                self.sessions[event.session_id] = event
                self.latest = event
                self.record("binds.jsonl", {"system_id": event.system_id, "at": time.time()})
            elif isinstance(event, smpp34.SubmitSmEvent):
                await self.submitted(event)
            elif isinstance(event, smpp34.Unbound):
                gone = self.sessions.pop(event.session_id, None)
                if gone is self.latest:
                    self.latest = None

    async def command(self, line):
        words = line.split(" ", 3)
        if words[0] == "mo" and len(words) == 4 and self.latest is not None:
            source, destination, text = words[1], words[2], words[3]
            try:
                body, coding = text.encode("ascii"), 0
            except UnicodeEncodeError:
                body, coding = text.encode("utf-16-be"), 8
            await self.latest.deliver_sm(
                destination, body, source_addr=source, data_coding=coding
            )
            self.record("mo.jsonl", {"source": source, "text": text, "at": time.time()})
        elif words[0] == "undeliverable" and len(words) == 2:
            self.undeliverable.add(words[1])


async def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    server = smpp34.Server(host="127.0.0.1", port=port, system_id="SINK")
    await server.start()
    sink = Sink(folder)
    serving = asyncio.ensure_future(sink.serve(server))
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        await sink.command(line.strip())
        print("done", flush=True)
    serving.cancel()
    await server.stop()


if __name__ == "__main__":
    asyncio.run(main())
