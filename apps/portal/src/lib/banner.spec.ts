import { bannerShowing, bannerValue, isoOfLocalInput, localInputOf, parseBanner } from './banner';

describe('the banner_message setting', () => {
  it('reads what Harbor’s portal writes, with defaults for what it leaves out', () => {
    expect(parseBanner('{"message":"Maintenance","type":"warning","closable":true,"fromDate":"2026-12-01T00:00:00Z"}')).toEqual({
      message: 'Maintenance',
      type: 'warning',
      closable: true,
      fromDate: '2026-12-01T00:00:00Z',
      toDate: undefined,
    });
    expect(parseBanner('{"message":"Hi"}')).toEqual({ message: 'Hi', type: 'info', closable: false, fromDate: undefined, toDate: undefined });
  });

  it('shows nothing for an empty, unreadable or message-less value', () => {
    for (const value of [undefined, '', 'plain text', '{"type":"info"}', '{"message":"  "}', 'null', '42']) expect(parseBanner(value)).toBeUndefined();
  });

  it('shows the banner only between its dates', () => {
    const banner = parseBanner('{"message":"m","fromDate":"2026-12-01T00:00:00Z","toDate":"2026-12-02T00:00:00Z"}')!;
    expect(bannerShowing(banner, new Date('2026-11-30T23:59:00Z'))).toBe(false);
    expect(bannerShowing(banner, new Date('2026-12-01T12:00:00Z'))).toBe(true);
    expect(bannerShowing(banner, new Date('2026-12-02T00:01:00Z'))).toBe(false);
    expect(bannerShowing(parseBanner('{"message":"m"}')!, new Date(0))).toBe(true);
  });

  it('writes the value back, and nothing for an empty message', () => {
    expect(JSON.parse(bannerValue({ message: ' Hi ', type: 'danger', closable: true, toDate: '2026-12-02T00:00:00.000Z' }))).toEqual({
      message: 'Hi',
      type: 'danger',
      closable: true,
      toDate: '2026-12-02T00:00:00.000Z',
    });
    expect(bannerValue({ message: '  ', type: 'info', closable: false })).toBe('');
  });

  it('round-trips a date through the reader’s local datetime-local value', () => {
    const iso = '2026-12-01T08:30:00.000Z';
    expect(isoOfLocalInput(localInputOf(iso))).toBe(iso);
    expect(localInputOf(undefined)).toBe('');
    expect(localInputOf('nonsense')).toBe('');
    expect(isoOfLocalInput('')).toBeUndefined();
  });
});
