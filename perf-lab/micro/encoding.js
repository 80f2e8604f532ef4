// Encoding Standard micro-benchmarks: TextEncoder and TextDecoder on 1 MB inputs, made
// deterministically here so every runtime measures the same bytes. Needs `bench` from
// harness.js in front of it.

const SIZE = 1 << 20;

// About 1 MB of text: mostly ASCII words with Latin-1, CJK and astral characters mixed in,
// the way real pages and JSON mix them.
const pieces = [
  "hello ", "world ", "café ", "naïve ", "日本語 ", "テキスト ", "😀 ", "data\n",
];
let seed = 1;
function next() {
  // A 32-bit LCG: the same sequence in every runtime (use its high bits, the low ones cycle).
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed;
}
let mixedText = "";
// These pieces average about 1.45 UTF-8 bytes per UTF-16 code unit.
while (mixedText.length < SIZE / 1.45) mixedText += pieces[(next() >>> 24) % pieces.length];

const encoder = new TextEncoder();
const mixedUtf8 = encoder.encode(mixedText);

// 1 MB of windows-1252: printable bytes over the whole range, mostly ASCII.
const windows1252 = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i++) {
  const r = next() >>> 24;
  windows1252[i] = r < 192 ? 0x20 + (r % 0x5f) : 0xa0 + (r % 0x60);
}

// 1 MB of Shift_JIS: ASCII runs and two-byte kana and kanji (lead 0x82-0x88, trail
// 0x9f-0xfc, all mapped).
const shiftJis = new Uint8Array(SIZE);
for (let i = 0; i < SIZE;) {
  const r = next() >>> 24;
  if (r < 128 || i === SIZE - 1) {
    shiftJis[i++] = 0x20 + (r % 0x5f);
  } else {
    shiftJis[i++] = 0x82 + (r % 7);
    shiftJis[i++] = 0x9f + ((next() >>> 24) % 0x5e);
  }
}

const utf8Decoder = new TextDecoder();
const windows1252Decoder = new TextDecoder("windows-1252");
const shiftJisDecoder = new TextDecoder("shift_jis");
const destination = new Uint8Array(mixedUtf8.length);

bench("encode 1 MB mixed UTF-8", () => encoder.encode(mixedText).length);
bench("encodeInto 1 MB mixed UTF-8", () => encoder.encodeInto(mixedText, destination).written);
const short = "hello world, café ☕ 日本";
bench("encodeInto a short string", () => encoder.encodeInto(short, destination).written);
bench("decode 1 MB mixed UTF-8", () => utf8Decoder.decode(mixedUtf8).length);
bench("decode 1 MB windows-1252", () => windows1252Decoder.decode(windows1252).length);
bench("decode 1 MB shift_jis", () => shiftJisDecoder.decode(shiftJis).length);
bench("decode 1 MB UTF-8 in 64 KB stream chunks", () => {
  let length = 0;
  for (let offset = 0; offset < mixedUtf8.length; offset += 65536) {
    const chunk = mixedUtf8.subarray(offset, offset + 65536);
    length += utf8Decoder.decode(chunk, { stream: true }).length;
  }
  return length + utf8Decoder.decode().length;
});
