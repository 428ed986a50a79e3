/** Luhn (mod 10) check used by payment card numbers (ISO/IEC 7812-1). Ignores spaces and dashes. */
export function passesLuhn(value: string): boolean {
  const digits = value.replace(/[ -]/g, '');
  if (!/^\d{13,19}$/.test(digits) || /^(\d)\1+$/.test(digits)) return false;

  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Checks that a JSON number reads as a payment card number: 13 to 16 digits (a safe integer
 * has at most 16), a first digit from 2 to 6 as card issuers use, and a valid Luhn check digit.
 * The first digit keeps millisecond timestamps, which start with 1 until 2033, from matching.
 */
export function isCardNumberValue(value: number): boolean {
  if (!Number.isSafeInteger(value) || value < 1e12) return false;
  const digits = String(value);
  return /^[2-6]/.test(digits) && passesLuhn(digits);
}

/** IBAN check digits (ISO 13616): move the first four characters to the end, letters to numbers, mod 97 is 1. */
export function passesIbanCheck(value: string): boolean {
  const iban = value.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;

  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const code = character.charCodeAt(0);
    const number = code >= 65 ? String(code - 55) : character;
    for (const digit of number) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Counts the digits of a phone-number candidate; E.164 allows at most 15. */
export function isPhoneLength(value: string): boolean {
  const digits = value.replace(/\D/g, '').length;
  if (digits < 10 || digits > 15) return false;
  // Dot-separated numbers are phone numbers only in the 3.3.4 form; other dotted digit groups are versions or addresses.
  if (!value.includes('.')) return true;
  return /^\(?\d{3}\)?\.\d{3}\.\d{4}$/.test(value);
}
