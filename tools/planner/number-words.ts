/**
 * English cardinal words below a hundred, split the way a spelled-out number is read ("twenty" "six", "nineteen"):
 * one table for the rules that read numbers said in words (world.ts: years and dates; spoken.ts: dictated amounts).
 */
export const UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
};
export const TEENS: Record<string, number> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
export const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
/** every word above: zero to nineteen and the tens */
export const CARDINALS: Record<string, number> = { ...UNITS, ...TEENS, ...TENS };
