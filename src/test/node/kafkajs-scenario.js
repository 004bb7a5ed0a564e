// kafkajs against a Courant node: admin, idempotent producer (plain, gzip, snappy and lz4 batches), group
// consumer. Run by io.courant.kafka.KafkajsTest: node kafkajs-scenario.js <host:port> <topic> <group>
// Prints one JSON line with what it saw; exits non-zero on any error.
const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = require('kafkajs');
const SnappyCodec = require('kafkajs-snappy');
const LZ4Codec = require('lz4-kafkajs');

// kafkajs ships gzip only; snappy and lz4 come from their codec packages (zstd's, @kafkajs/zstd,
// does not build on current Node versions).
CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;

const [, , broker, topic, group] = process.argv;
const RECORDS = 50;
const kafka = new Kafka({ clientId: 'courant-kafkajs-test', brokers: [broker], logLevel: logLevel.WARN });

function consumeAll(consumer, expected) {
  const seen = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('consumed ' + seen.length + ' of ' + expected + ' in 60 s')), 60000);
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value.toString());
        if (seen.length === expected) {
          clearTimeout(timer);
          resolve(seen);
        }
      },
    }).catch(reject);
  });
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  const listed = (await admin.listTopics()).includes(topic);
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const messages = (prefix) => [...Array(RECORDS).keys()].map((i) => ({ key: 'k' + i, value: prefix + i }));
  const plain = await producer.send({ topic, acks: -1, messages: messages('plain-') });
  const gzip = await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: messages('gzip-') });
  const snappy = await producer.send({ topic, acks: -1, compression: CompressionTypes.Snappy, messages: messages('snappy-') });
  const lz4 = await producer.send({ topic, acks: -1, compression: CompressionTypes.LZ4, messages: messages('lz4-') });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: group });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = await consumeAll(consumer, 4 * RECORDS);
  await consumer.disconnect();

  const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
  const described = await admin.describeGroups([group]);
  await admin.disconnect();
  console.log(JSON.stringify({
    listed,
    partitions: metadata.topics[0].partitions.length,
    producedOffsets: plain.concat(gzip, snappy, lz4).map((r) => r.partition + ':' + r.baseOffset),
    seen,
    committed: offsets[0].partitions.map((p) => Number(p.offset)),
    groupListed: groups.includes(group),
    groupState: described.groups[0].state,
  }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
