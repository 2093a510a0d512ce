#!/usr/bin/env python3
"""Writes a route plan, receipts and a plan edit to nines with a librdkafka producer.

Every producer setting stays at librdkafka's default, so records are partitioned the way
Python, Go, Node and C clients do it (consistent_random: CRC32 of the key), not by Java's
murmur2; nines re-keys what it needs itself. Values use Confluent's wire format through
confluent-kafka's Avro serializer, registered under the subject <topic>-value.

Debian: apt-get install python3-confluent-kafka python3-avro python3-requests

    produce_from_python.py BOOTSTRAP REGISTRY_URL SCHEMA_DIR [TOPIC_PREFIX]

SCHEMA_DIR is nines' schemas/src/main/avro (the .avsc files of the schemas jar).

What it writes, in event time from 2026-10-01T10:00:00Z: the plan of US:SMS (carriers atlas,
bluewave and corvid at 50/30/20); three minutes of receipts, 20 per second, in which bluewave
fails 60 % of its messages (carrier cause) in the second minute; at 10:02:00 a new plan that
drains corvid; and one receipt a day later on every partition (route ZZ:SMS), which closes the last
windows.
"""
import glob
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

import avro.name
import avro.schema
from confluent_kafka import Producer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def load_schemas(directory):
    """Parses every .avsc, named types first, so that records can refer to them by name."""
    names = avro.name.Names()
    pending = sorted(glob.glob(os.path.join(directory, "**", "*.avsc"), recursive=True),
                     key=lambda p: "common" not in p)
    schemas = {}
    while pending:
        left = []
        for path in pending:
            try:
                schema = avro.schema.make_avsc_object(json.load(open(path)), names)
                schemas[schema.name] = schema
            except avro.errors.SchemaParseException:
                left.append(path)  # refers to a type not parsed yet
        if len(left) == len(pending):
            raise SystemExit("cannot parse " + ", ".join(left))
        pending = left
    return schemas


def millis(t):
    return int(t.timestamp() * 1000)


def main(bootstrap, registry_url, schema_dir, prefix=""):
    schemas = load_schemas(schema_dir)
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry_url}))
    producer = Producer({"bootstrap.servers": bootstrap})  # every other setting: the default
    plans, receipts = prefix + "route-plans", prefix + "delivery-receipts"

    def send(topic, key, value, schema, at, partition=None):
        payload = serializer.encode_record_with_schema(topic, schema, value, is_key=False)
        kwargs = {} if partition is None else {"partition": partition}
        # history: the record's timestamp is its event time (nines refuses a record whose event
        # time is more than ingest.max.record.skew away from it); live traffic can keep "now"
        producer.produce(topic, key=key.encode("utf-8"), value=payload, timestamp=millis(at),
                         **kwargs)
        producer.poll(0)

    def plan(at, corvid_enabled, country="US"):
        # Python's avro writes every field of the schema it is given: fields with defaults in
        # the schema (priority, warm, policy) are set here, with their defaults
        carriers = [("atlas", 50, True), ("bluewave", 30, True), ("corvid", 20, corvid_enabled)]
        return {"country": country, "channel": "SMS", "updatedAt": at, "policy": None,
                "carriers": [{"carrierId": c, "baseWeight": w, "enabled": e, "priority": 0,
                              "warm": False} for c, w, e in carriers]}

    def receipt(n, carrier, completed, failed, country="US"):
        return {"messageId": "py-%d" % n, "accountId": "acme", "channel": "SMS",
                "carrierId": carrier, "country": country, "region": "us-east",
                "status": "FAILED" if failed else "DELIVERED",
                "failureCause": "CARRIER" if failed else "NONE", "errorCode": None,
                "submittedAt": completed - timedelta(seconds=2),
                "completedAt": completed}

    t0 = datetime(2026, 10, 1, 10, 0, tzinfo=timezone.utc)
    edit = t0 + timedelta(minutes=2)
    send(plans, "US:SMS", plan(t0, True), schemas["RoutePlan"], t0)
    send(plans, "ZZ:SMS", plan(t0, True, "ZZ"), schemas["RoutePlan"], t0)  # for the last receipts
    producer.flush()
    rng = random.Random(7)
    n = 0
    for tenth in range(0, 3 * 60 * 20):  # 20 receipts per second for three minutes
        at = t0 + timedelta(milliseconds=50 * tenth)
        if at == edit:
            send(plans, "US:SMS", plan(edit, False), schemas["RoutePlan"], edit)
        carrier = rng.choices(["atlas", "bluewave", "corvid"], [50, 30, 20])[0]
        failing = carrier == "bluewave" and t0 + timedelta(minutes=1) <= at < edit
        n += 1
        send(receipts, "py-%d" % n, receipt(n, carrier, at, failing and rng.random() < 0.6),
             schemas["DeliveryReceipt"], at)
    # one receipt a day later on every partition, for a route of its own: every partition's
    # watermark passes the history, so the last windows close without waiting for idleness
    later = t0 + timedelta(days=1)
    partitions = len(producer.list_topics(receipts).topics[receipts].partitions)
    for p in range(partitions):
        n += 1
        send(receipts, "py-end-%d" % p, receipt(n, "atlas", later, False, "ZZ"),
             schemas["DeliveryReceipt"], later, partition=p)
    producer.flush()
    print("sent %d receipts and 3 plans to %s" % (n, bootstrap))


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
