// Generates ES6 Number.prototype.toString reference vectors: "<16 hex digits of IEEE bits>,<string>".
// Usage: node generate-numbers.js OUTPUT [RANDOM_BIT_PATTERNS]   (numbers.txt was made with the default 2000)
const randomCount = process.argv[3] ? Number(process.argv[3]) : 2000;
let seed = 0x9E3779B97F4A7C15n;
function next64() { // splitmix64
  seed = (seed + 0x9E3779B97F4A7C15n) & 0xFFFFFFFFFFFFFFFFn;
  let z = seed;
  z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & 0xFFFFFFFFFFFFFFFFn;
  z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & 0xFFFFFFFFFFFFFFFFn;
  return z ^ (z >> 31n);
}
const dv = new DataView(new ArrayBuffer(8));
const out = [];
function emit(x) {
  dv.setFloat64(0, x);
  const hex = dv.getBigUint64(0).toString(16).padStart(16, '0');
  out.push(hex + ',' + x.toString());
}
const specials = [0, -0, 1, -1, 0.1, 0.2, 0.3, 1e21, 1e-7, 1e-6, 0.000001, 123456789012345680000, 5e-324, -5e-324,
  1.7976931348623157e308, -1.7976931348623157e308, 2.2250738585072014e-308, 2.225073858507201e-308,
  9007199254740991, 9007199254740992, 9007199254740993, -9007199254740991, 2**60, 2**63, 2**64, 1e16, 1e17,
  999999999999999900000, 999999999999999999999, 1e20, 1.5e21, 4.35, 0.5, 1/3, 2/3, 100, 1e300, 1e-300,
  333333333.33333329, 1e30, 4.50, 2e-3, 1e-27, 295147905179352830000, 1.0000000000000002, 0.30000000000000004];
for (const s of specials) emit(s);
// Raw random bit patterns (mostly extreme exponents), like upstream numgen.
let n = 0;
while (n < randomCount) {
  const bits = next64();
  dv.setBigUint64(0, bits);
  const x = dv.getFloat64(0);
  if (!isFinite(x)) continue;
  emit(x); n++;
}
// Random values around every decimal magnitude from 1e-12 to 1e25 to hit all layout branches.
for (let e = -12; e <= 25; e++) {
  for (let i = 0; i < 40; i++) {
    const r = Number(next64() >> 11n) / 2 ** 53; // [0,1)
    const digits = Number(next64() % 17n) + 1;
    let x = Number((r * 10 ** e).toPrecision(digits));
    if (i % 2) x = r * 10 ** e; // also full-precision values
    if (i % 3 == 0) x = -x;
    emit(x);
  }
}
// Integers near 2^53 and beyond.
for (let i = 0; i < 200; i++) {
  const b = Number(next64() % 80n);
  emit(Math.round((Number(next64() >> 11n) / 2 ** 53) * 2 ** b));
}
require('fs').writeFileSync(process.argv[2], out.join('\n') + '\n');
console.log(out.length);
