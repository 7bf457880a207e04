import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ClaimGuardError, epochToMs, isValidTimeZone, parseIso, parseSyslogTime, parseTime, tryParseIso, tryParseSyslogTime,
  tryParseTime, wallClockToUtc, zoneOffsetMs,
} from '../../src/core/index.ts';

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

test('RFC 3339 with Z, offsets and fractional seconds', () => {
  assert.equal(iso(tryParseIso('2024-05-01T13:45:00Z')), '2024-05-01T13:45:00.000Z');
  assert.equal(iso(tryParseIso('2024-05-01T13:45:00.123456789+02:00')), '2024-05-01T11:45:00.123Z');
  assert.equal(iso(tryParseIso('2024-05-01t13:45:00.5-05:30')), '2024-05-01T19:15:00.500Z');
  assert.equal(iso(tryParseIso('2024-05-01 13:45:00+0100')), '2024-05-01T12:45:00.000Z');
  assert.equal(iso(tryParseIso('2016-12-31T23:59:60Z')), '2016-12-31T23:59:59.000Z', 'a leap second folds onto :59');
});

test('RFC 3339 rejects impossible dates and offsets', () => {
  for (const s of ['2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T13:45:00+25:00', '2024-5-1T1:2:3Z', '']) {
    assert.equal(tryParseIso(s), undefined, s);
  }
  assert.equal(iso(tryParseIso('2024-02-29T00:00:00Z')), '2024-02-29T00:00:00.000Z');
});

test('parseIso throws INGEST_BAD_TIME with the caller\'s location', () => {
  assert.throws(() => parseIso('yesterday', { file: 'a.log', line: 7 }), (e: unknown) => {
    assert.ok(e instanceof ClaimGuardError);
    assert.equal(e.code, 'INGEST_BAD_TIME');
    assert.deepEqual(e.location, { file: 'a.log', line: 7 });
    return true;
  });
});

test('zone-less timestamps are read in an IANA zone, across DST', () => {
  assert.equal(iso(tryParseIso('2024-07-01T12:00:00', 'America/Chicago')), '2024-07-01T17:00:00.000Z');
  assert.equal(iso(tryParseIso('2024-01-15T12:00:00', 'America/Chicago')), '2024-01-15T18:00:00.000Z');
  assert.equal(iso(tryParseIso('2024-01-01T12:00:00', 'Asia/Kolkata')), '2024-01-01T06:30:00.000Z');
  // Ambiguous fall-back hour: the earlier instant. Spring-forward gap: read with the pre-change offset.
  assert.equal(iso(wallClockToUtc(2024, 11, 3, 1, 30, 0, 0, 'America/New_York')), '2024-11-03T05:30:00.000Z');
  assert.equal(iso(wallClockToUtc(2024, 3, 10, 2, 30, 0, 0, 'America/New_York')), '2024-03-10T07:30:00.000Z');
  assert.equal(zoneOffsetMs('Europe/Berlin', Date.UTC(2024, 6, 1)), 2 * 3600_000);
  assert.equal(isValidTimeZone('America/Chicago'), true);
  assert.equal(isValidTimeZone('Mars/Olympus'), false);
});

test('syslog year inference: the reference year, or the previous one when > 31 days ahead', () => {
  const nov27 = Date.UTC(2026, 10, 27);
  assert.equal(iso(tryParseSyslogTime('Jun 14 15:16:01', { referenceTime: nov27 })), '2026-06-14T15:16:01.000Z');
  assert.equal(iso(tryParseSyslogTime('Dec 10 06:55:46', { referenceTime: nov27 })), '2026-12-10T06:55:46.000Z', '13 days ahead: a fast clock, same year');
  const jan2 = Date.UTC(2027, 0, 2);
  assert.equal(iso(tryParseSyslogTime('Dec 31 23:59:59', { referenceTime: jan2 })), '2026-12-31T23:59:59.000Z', 'December logs read in January');
  assert.equal(iso(tryParseSyslogTime('Jan  2 00:00:01', { referenceTime: jan2 })), '2027-01-02T00:00:01.000Z');
  // Feb 29 goes to the nearest leap year that is not in the future.
  assert.equal(iso(tryParseSyslogTime('Feb 29 10:00:00', { referenceTime: Date.UTC(2027, 5, 1) })), '2024-02-29T10:00:00.000Z');
  // Zone: 08:00 in Chicago in June is 13:00Z.
  assert.equal(iso(tryParseSyslogTime('Jun  1 08:00:00', { referenceTime: nov27, timeZone: 'America/Chicago' })), '2026-06-01T13:00:00.000Z');
  assert.equal(tryParseSyslogTime('Foo 10 06:55:46', { referenceTime: nov27 }), undefined);
  assert.equal(tryParseSyslogTime('Dec 32 06:55:46', { referenceTime: nov27 }), undefined);
  assert.throws(() => parseSyslogTime('Dec 10 25:00:00', { referenceTime: nov27 }, { line: 3 }), (e: unknown) => e instanceof ClaimGuardError && e.code === 'INGEST_BAD_TIME' && e.location?.line === 3);
});

test('epoch numbers: seconds, milliseconds, microseconds and nanoseconds by magnitude', () => {
  const want = Date.UTC(2024, 4, 1, 13, 45, 0);
  assert.equal(epochToMs(want / 1000), want);
  assert.equal(epochToMs(want), want);
  assert.equal(epochToMs(want * 1000), want);
  assert.equal(epochToMs(want * 1e6), want);
  assert.equal(epochToMs(-1), undefined);
  assert.equal(epochToMs(Number.NaN), undefined);
  assert.equal(tryParseTime(String(want / 1000)), want);
  assert.equal(tryParseTime('1714571100.25'), want + 250);
});

test('tryParseTime: US dates with AM/PM, CLF and "Mmm dd yyyy"', () => {
  assert.equal(iso(tryParseTime('05/01/2024 1:45 PM', { timeZone: 'America/Chicago' })), '2024-05-01T18:45:00.000Z');
  assert.equal(iso(tryParseTime('05/01/2024 12:05:09 AM')), '2024-05-01T00:05:09.000Z');
  assert.equal(iso(tryParseTime('5/1/2024')), '2024-05-01T00:00:00.000Z');
  assert.equal(iso(tryParseTime('10/Oct/2000:13:55:36 -0700')), '2000-10-10T20:55:36.000Z');
  assert.equal(iso(tryParseTime('Oct 10 2000 13:55:36.250')), '2000-10-10T13:55:36.250Z');
  assert.equal(tryParseTime('13/45/2024 10:00'), undefined);
  assert.equal(tryParseTime('05/01/2024 13:45 PM'), undefined);
  assert.throws(() => parseTime({ a: 1 }, {}, { record: 4 }), (e: unknown) => e instanceof ClaimGuardError && e.code === 'INGEST_BAD_TIME' && e.location?.record === 4);
});

test('property: any instant survives a round trip through toISOString and offsets', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 4102444800000 }), fc.integer({ min: -12 * 60, max: 14 * 60 }), (t, offMin) => {
    assert.equal(tryParseIso(new Date(t).toISOString()), t);
    const local = new Date(t + offMin * 60_000).toISOString().slice(0, 23);
    const sign = offMin < 0 ? '-' : '+';
    const a = Math.abs(offMin);
    const zone = `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
    assert.equal(tryParseIso(local + zone), t);
  }), { numRuns: 300 });
});

test('property: wall clock → UTC → wall clock is the identity outside DST gaps', () => {
  fc.assert(fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2035, 0, 1) }), fc.constantFrom('America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'), (t, zone) => {
    const t0 = Math.floor(t / 1000) * 1000;
    const wall = new Date(t0 + zoneOffsetMs(zone, t0));
    const back = wallClockToUtc(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds(), 0, zone);
    // In an ambiguous hour the earlier instant is chosen, so `back` is t0 or one offset change earlier.
    const again = new Date(back + zoneOffsetMs(zone, back));
    assert.equal(again.getTime(), wall.getTime());
    assert.ok(back <= t0);
  }), { numRuns: 300 });
});

test('property: random strings never throw from try* parsers', () => {
  fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => {
    tryParseIso(s);
    tryParseSyslogTime(s, { referenceTime: 0 });
    tryParseTime(s, { timeZone: 'America/Chicago' });
  }), { numRuns: 500 });
});
