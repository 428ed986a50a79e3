import { describe, expect, it } from 'vitest';
import { isCardNumberValue, passesIbanCheck, passesLuhn } from '../../src/redaction/checksums.ts';
import { redactLogLine, redactStoredVerdict } from '../../src/redaction/record.ts';
import { countPlaceholders, Redactor } from '../../src/redaction/redactor.ts';
import { HARMLESS_TEXTS, SENSITIVE_SAMPLES } from './corpus.ts';

describe('Redactor on the shared corpus', () => {
  it.each(SENSITIVE_SAMPLES.map((sample) => [`${sample.kind}: ${sample.text.slice(0, 40)}`, sample] as const))(
    'replaces %s',
    (_name, sample) => {
      const redactor = new Redactor();
      const output = redactor.redactText(sample.text);
      expect(output).not.toContain(sample.value);
      expect(countPlaceholders(output).get(sample.kind)).toBeGreaterThanOrEqual(1);
    },
  );

  it.each(HARMLESS_TEXTS.map((text) => [text] as const))('leaves "%s" unchanged', (text) => {
    expect(new Redactor().redactText(text)).toBe(text);
  });
});

describe('Redactor placeholders', () => {
  it('gives the same value the same placeholder within a record', () => {
    const redactor = new Redactor();
    const first = redactor.redactText('mail jane.doe@example.com and bob@example.org');
    const second = redactor.redactText('again jane.doe@example.com');
    expect(first).toBe('mail [EMAIL_1] and [EMAIL_2]');
    expect(second).toBe('again [EMAIL_1]');
  });

  it('numbers a second secret of one kind', () => {
    const output = new Redactor().redactText('a=ghp_EXAMPLEPLACEHOLDER000000000000000000 b=ghp_EXAMPLEPLACEHOLDER111111111111111111');
    expect(output).toBe('a=[REDACTED:github_token] b=[REDACTED:github_token_2]');
  });

  it('redacts credential fields by name whatever the value looks like', () => {
    const input = { options: { aws_secret_access_key: 'plainwords', password: 'x1', note: 'nothing here' } };
    expect(new Redactor().redactValue(input)).toEqual({
      options: { aws_secret_access_key: '[REDACTED:aws_secret_key]', password: '[REDACTED:password]', note: 'nothing here' },
    });
  });

  it('replaces a known value where a quote cut it short', () => {
    const redactor = new Redactor();
    redactor.redactValue({ notify: 'jane.doe@example.com' });
    expect(redactor.redactText('sends to "jane.doe@exam…"')).toBe('sends to "[EMAIL_1]…"');
  });

  it('replaces a value found by context where it appears bare', () => {
    const output = new Redactor().redactText('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, again wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(output).toBe('aws_secret_access_key = [REDACTED:aws_secret_key], again [REDACTED:aws_secret_key]');
  });

  it('leaves existing placeholders alone', () => {
    const text = 'token=[REDACTED:token] and [EMAIL_1]';
    expect(new Redactor().redactText(text)).toBe(text);
  });

  it('counts distinct placeholders by kind', () => {
    const counts = countPlaceholders('[EMAIL_1] [EMAIL_1] [EMAIL_2] [REDACTED:aws_secret_key] [REDACTED:github_token_2]');
    expect(Object.fromEntries(counts)).toEqual({ email: 2, aws_secret_key: 1, github_token: 1 });
  });
});

describe('checksums', () => {
  it.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['0000000000000000', false],
  ])('Luhn of %s is %s', (value, valid) => expect(passesLuhn(value)).toBe(valid));

  it.each([
    ['DE89 3704 0044 0532 0130 00', true],
    ['DE89 3704 0044 0532 0130 01', false],
  ])('IBAN check of %s is %s', (value, valid) => expect(passesIbanCheck(value)).toBe(valid));

  it.each([
    [4111111111111111, true],
    [5555555555554444, true],
    [378282246310005, true],
    [4111111111111112, false],
    [1796431080017, false],
    [1234567812345670, false],
    [4111111111111111.5, false],
  ])('card number value %s is %s', (value, valid) => expect(isCardNumberValue(value)).toBe(valid));
});

describe('Redactor on JSON numbers', () => {
  it('replaces a card number given as a number', () => {
    const redacted = new Redactor().redactValue({ payment: { number: 4111111111111111, expiry: '12/29' }, amount: 120 });
    expect(redacted).toEqual({ payment: { number: '[CARD_NUMBER_1]', expiry: '12/29' }, amount: 120 });
  });

  it('gives the number and its text one placeholder', () => {
    const redacted = new Redactor().redactValue({ card: 4111111111111111, note: 'charge 4111 1111 1111 1111 and 4111111111111111' });
    expect(redacted.card).toBe('[CARD_NUMBER_1]');
    expect(redacted.note).toBe('charge [CARD_NUMBER_2] and [CARD_NUMBER_1]');
  });

  it('keeps timestamps and other numbers', () => {
    const value = { time: 1796431080017, count: 4111, risk: 0.42, order_id: 9007199254740991 };
    expect(new Redactor().redactValue(value)).toBe(value);
  });

  it('redacts card numbers in records and logs', () => {
    const record = {
      request: { action: { tool: 'charge_card', input: { card_number: 5555555555554444, amount: 20 } } },
      verdict: { id: 'vrd_01JABCDEF0123456789ABCDEFG', created_at: '2026-12-04T20:00:00.000Z', constitution: { id: 'default' }, trace: [] },
    } as never;
    expect(JSON.stringify(redactStoredVerdict(record).request)).not.toContain('5555555555554444');
    expect(redactLogLine(JSON.stringify({ level: 30, time: 1796431080017, input: { card_number: 5555555555554444 } }))).not.toContain('5555555555554444');
  });
});

describe('record and log redaction', () => {
  it('keeps a log line valid JSON', () => {
    const line = `${JSON.stringify({ level: 50, msg: 'failed for jane.doe@example.com', err: { message: 'token=abc123456' } })}\n`;
    const output = redactLogLine(line);
    expect(output.endsWith('\n')).toBe(true);
    expect(JSON.parse(output)).toEqual({ level: 50, msg: 'failed for [EMAIL_1]', err: { message: 'token=[REDACTED:token]' } });
  });

  it('keeps verdict identity fields', () => {
    const record = {
      request: { action: { tool: 'Bash', input: { command: 'mail jane.doe@example.com' } } },
      verdict: { id: 'vrd_01JABCDEF0123456789ABCDEFG', created_at: '2026-12-04T20:00:00.000Z', constitution: { id: 'default' }, trace: [{ step: 'x', text: 'to jane.doe@example.com' }] },
    } as never;
    const redacted = redactStoredVerdict(record);
    expect(redacted.verdict.id).toBe('vrd_01JABCDEF0123456789ABCDEFG');
    expect(redacted.verdict.trace[0]?.text).toBe('to [EMAIL_1]');
    expect(JSON.stringify(redacted.request)).toContain('[EMAIL_1]');
  });
});

describe('Redactor on serialized JSON', () => {
  it.each(SENSITIVE_SAMPLES.map((sample) => [`${sample.kind}: ${sample.text.slice(0, 40)}`, sample] as const))(
    'replaces %s after a line break',
    (_name, sample) => {
      const redacted = new Redactor().redactValue({ note: `first line\n${sample.text}\tend`, list: [`x\n${sample.text}`] });
      expect(JSON.stringify(redacted)).not.toContain(sample.value);
      expect(redacted.note.startsWith('first line\n')).toBe(true);
    },
  );
});

describe('Redactor with strings seen clean before', () => {
  it('still redacts a clean string under a credential-like field name', () => {
    expect(new Redactor().redactValue({ note: 'zq81kdm2vx' })).toEqual({ note: 'zq81kdm2vx' });
    const redacted = new Redactor().redactValue({ mytoken: 'zq81kdm2vx' });
    expect(JSON.stringify(redacted)).not.toContain('zq81kdm2vx');
  });

  it('still replaces a value the record found earlier', () => {
    const trace = { trace: [{ step: 'decision', text: 'the command uses pw7Hq2xLmn9 here' }] };
    expect(new Redactor().redactValue(trace)).toEqual(trace);
    const record = {
      request: { action: { tool: 'Bash', input: { command: 'DB_PASSWORD=pw7Hq2xLmn9 ./migrate' } } },
      verdict: { id: 'vrd_01JABCDEF0123456789ABCDEFG', created_at: '2026-12-04T20:00:00.000Z', constitution: { id: 'default' }, ...trace },
    } as never;
    const redacted = redactStoredVerdict(record);
    expect(JSON.stringify(redacted.request)).not.toContain('pw7Hq2xLmn9');
    expect(redacted.verdict.trace[0]?.text).toBe('the command uses [REDACTED:password] here');
  });

  it('returns an unchanged value without copying it', () => {
    const value = { trace: [{ step: 'normalise', text: 'The shell runs ls.' }] };
    expect(new Redactor().redactValue(value)).toBe(value);
  });
});

describe('Redactor on prose and short values', () => {
  it('leaves prose after a credential name alone', () => {
    const value = { trace: 'credential: The input carries credentials. Then There.', note: 'token: expired, secret: Tuesday' };
    expect(new Redactor().redactValue(value)).toEqual(value);
  });

  it('still redacts an unquoted value that looks like a secret', () => {
    expect(new Redactor().redactText('password: hunter2x')).toBe('password: [REDACTED:password]');
  });

  it('replaces a short known value only as a whole word', () => {
    const redacted = new Redactor().redactValue({ command: 'password=abc', note: 'abcdef and abc here' });
    expect(redacted).toEqual({ command: 'password=[REDACTED:password]', note: 'abcdef and [REDACTED:password] here' });
  });
});
