// The exchange clock: New York offsets with the US DST rules (checked against Intl's tz database),
// NYSE full-day holidays with their weekend observance, weekends, early closes, and the ISO format
// every event's marketTime uses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  dayNumber,
  firstTradingDayFrom,
  formatMarketTime,
  holidays,
  isEarlyClose,
  isTradingDay,
  newYorkOffsetMinutes,
  newYorkTime,
  nextTradingDay,
  tradingDay,
} from '../../simulator/calendar.ts';

const day = (date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  return dayNumber(y, m, d);
};
const iso = (dayNum: number) => new Date(dayNum * 86_400_000).toISOString().slice(0, 10);

const intlOffset = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'longOffset' });
function offsetByIntl(ms: number): number {
  const name = intlOffset.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')!.value; // GMT-05:00
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name)!;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

test('the New York offset agrees with Intl at 04:00, 09:30, 16:00 and 20:00 of every day 2007-2035', () => {
  for (let d = day('2007-01-01'); d <= day('2035-12-31'); d++) {
    for (const minutes of [4 * 60, 9 * 60 + 30, 16 * 60, 20 * 60]) {
      const at = newYorkTime(d, minutes);
      assert.is(newYorkOffsetMinutes(d, minutes), offsetByIntl(at), `${iso(d)} ${minutes}`);
    }
  }
});

test('DST switch days: the 2026 sessions start at the right UTC instant on both sides', () => {
  // Sunday 2026-03-08 02:00 EST → EDT; Sunday 2026-11-01 02:00 EDT → EST.
  assert.is(tradingDay(day('2026-03-06'), 'regular')!.regular.start, Date.parse('2026-03-06T14:30:00Z'));
  assert.is(tradingDay(day('2026-03-09'), 'regular')!.regular.start, Date.parse('2026-03-09T13:30:00Z'));
  assert.is(tradingDay(day('2026-10-30'), 'extended')!.sessions[0].start, Date.parse('2026-10-30T08:00:00Z'));
  assert.is(tradingDay(day('2026-11-02'), 'extended')!.sessions[0].start, Date.parse('2026-11-02T09:00:00Z'));
  assert.is(newYorkOffsetMinutes(day('2026-03-08'), 60), -300, '01:00 on the spring switch day is EST');
  assert.is(newYorkOffsetMinutes(day('2026-03-08'), 3 * 60), -240, '03:00 is EDT');
  assert.is(newYorkOffsetMinutes(day('2026-11-01'), 30), -240, '00:30 on the fall switch day is EDT');
  assert.is(newYorkOffsetMinutes(day('2026-11-01'), 3 * 60), -300, '03:00 is EST');
});

test('NYSE holidays 2024-2026, as the exchange published them', () => {
  const expected: Record<number, string[]> = {
    2024: ['2024-01-01', '2024-01-15', '2024-02-19', '2024-03-29', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02', '2024-11-28', '2024-12-25'],
    2025: ['2025-01-01', '2025-01-20', '2025-02-17', '2025-04-18', '2025-05-26', '2025-06-19', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25'],
    2026: ['2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25', '2026-06-19', '2026-07-03', '2026-09-07', '2026-11-26', '2026-12-25'],
  };
  for (const [year, dates] of Object.entries(expected)) {
    assert.equal([...holidays(Number(year))].map(iso).sort(), dates, `holidays of ${year}`);
    for (const date of dates) assert.not.ok(isTradingDay(day(date)), `${date} is closed`);
  }
});

test('weekend observance: Sunday → Monday, Saturday → Friday, but not New Year on a Saturday', () => {
  assert.not.ok(isTradingDay(day('2021-07-05')), 'July 4 2021 was a Sunday: Monday closed');
  assert.not.ok(isTradingDay(day('2020-07-03')), 'July 4 2020 was a Saturday: Friday closed');
  assert.not.ok(isTradingDay(day('2022-12-26')), 'Christmas 2022 was a Sunday: Monday closed');
  assert.not.ok(isTradingDay(day('2022-06-20')), 'Juneteenth 2022 was a Sunday: Monday closed');
  assert.ok(isTradingDay(day('2021-12-31')), 'New Year 2022 was a Saturday: Friday Dec 31 open');
  assert.ok(isTradingDay(day('2021-06-18')), 'no Juneteenth holiday before 2022');
  assert.ok(isTradingDay(day('2026-04-06')), 'Easter Monday is open');
});

test('weekends are closed and the next trading day skips them and holidays', () => {
  assert.not.ok(isTradingDay(day('2026-03-07')));
  assert.not.ok(isTradingDay(day('2026-03-08')));
  assert.is(nextTradingDay(day('2026-03-06'), 'regular').date, '2026-03-09');
  assert.is(nextTradingDay(day('2026-04-02'), 'regular').date, '2026-04-06', 'over Good Friday and the weekend');
  assert.is(firstTradingDayFrom('2026-01-01', 'regular').date, '2026-01-02');
  assert.throws(() => firstTradingDayFrom('2026-02-30', 'regular'), /calendar date/);
});

test('early closes at 13:00 (after-hours to 17:00), and only on the rule days', () => {
  for (const date of ['2024-07-03', '2024-11-29', '2024-12-24', '2025-07-03', '2025-11-28', '2025-12-24', '2026-11-27', '2026-12-24']) {
    assert.ok(isEarlyClose(day(date)), `${date} closes early`);
    const d = tradingDay(day(date), 'extended')!;
    assert.is(formatMarketTime(d.regular.end, d).slice(11, 16), '13:00');
    assert.is(formatMarketTime(d.sessions[2].end, d).slice(11, 16), '17:00');
  }
  for (const date of ['2026-07-02', '2022-07-01', '2021-12-23', '2026-11-25']) {
    assert.not.ok(isEarlyClose(day(date)), `${date} is a full day`);
  }
});

test('sessions: regular only, or pre-market / regular / after-hours', () => {
  const d = tradingDay(day('2026-03-02'), 'extended')!;
  assert.equal(d.sessions.map((s) => s.session), ['pre-market', 'regular', 'after-hours']);
  assert.equal(
    d.sessions.map((s) => [formatMarketTime(s.start, d), formatMarketTime(s.end, d)]),
    [
      ['2026-03-02T04:00:00.000-05:00', '2026-03-02T09:30:00.000-05:00'],
      ['2026-03-02T09:30:00.000-05:00', '2026-03-02T16:00:00.000-05:00'],
      ['2026-03-02T16:00:00.000-05:00', '2026-03-02T20:00:00.000-05:00'],
    ],
  );
  assert.equal(tradingDay(day('2026-03-02'), 'regular')!.sessions.map((s) => s.session), ['regular']);
  const summer = tradingDay(day('2026-07-01'), 'regular')!;
  assert.is(formatMarketTime(summer.regular.start + 250, summer), '2026-07-01T09:30:00.250-04:00');
});

test.run();
