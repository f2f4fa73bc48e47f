// The text reader's diagnostics as templates a host can translate (core/messages.ts). A diagnostic is built from a
// label (the array's quoted name, or "This array"), a detail from the numeric-list reader and, for a look-alike
// token, a hint saying what to write instead.

export const PARSE_TEMPLATES = {
  // Labels
  quotedName: "'{0}'",
  thisArray: 'This array',
  thisCall: 'This {0}(...)',
  call: '{0}(...)',
  arrayNumber: 'Array #{0}',
  // Diagnostics
  tooLarge: 'This text is {0}, over the {1} limit, so it was not read. Raise the limit (setting) or split the file.',
  sizeMegabytes: '{0} MB',
  sizeCharacters: '{0} characters',
  cancelled: 'Reading was cancelled.',
  neverClosed: "This '{0}' is never closed.",
  moreProblem: '{0} more problem not listed (only the first {1} are).',
  moreProblems: '{0} more problems not listed (only the first {1} are).',
  nonNumeric: '{0} holds {1}; only numbers, nan and inf can be read.',
  tooDeep: 'Brackets nest deeper than {0} levels here; the text inside is not read.',
  recordShape: '{0}: its record says shape ({1}) = {2} values, but it holds {3}.',
  rowsOfDifferentShapes: '{0} has rows of different shapes ({1}); an array needs every row the same shape.',
  callNotClosed: "The '(' of {0}(...) is not closed after its array (a ')' or ',' is missing).",
  nonFiniteOne: '{0} holds 1 NaN/Inf value (the first, {1}, at {2}); a forward pass will refuse this array until they are replaced.',
  nonFiniteMany: '{0} holds {1} NaN/Inf values (the first, {2}, at {3}); a forward pass will refuse this array until they are replaced.',
  headerShape: '{0}: its header says shape ({1}) = {2} values, but {3} values follow it; some rows may be missing from the paste.',
  empty: '{0} is empty: it holds no values.',
  cutByHeader: 'The values of {0} are cut off before the next variable header; they cannot be read.',
  thisVariable: 'this variable',
  unterminated: '{0}: {1}, so its values cannot be read.',
  tooDeepDetail: '{0}: {1}.',
  truncated: '{0} {1}.',
  ragged: '{0}: {1}; an array needs every row the same length.',
  withHint: '{0} ({1})',
  // Details (numeric-list.ts)
  openedNeverClosed: "the '{0}' opened here is never closed",
  emptyElement: 'an empty element (two commas, or a comma after an opening bracket)',
  noSeparator: 'two elements with no separator between them',
  mixesNumbersAndLists: '{0} mixes numbers and nested lists',
  mixesAtDepths: '{0} mixes numbers and nested lists at different depths',
  nestsTooDeep: 'brackets nest deeper than {0} levels; this is not read (raise the limit only for real arrays of that rank)',
  unmatchedClose: "a '{0}' that does not match the open '{1}'",
  rowLength: '{0} has {1} but the rows before it have {2}',
  textBeforeBracket: 'text before the opening bracket',
  notANumber: "'{0}' is not a number",
  mixedSeparators: 'commas between some values but not others (a missing comma?)',
  summarised: "was printed in summarised form: '...' stands for values that are not in the text. Print it in full with every digit (NumPy: import sys; np.set_printoptions(threshold=sys.maxsize, precision=17); PyTorch: torch.set_printoptions(profile=\"full\", precision=17), since profile=\"full\" alone keeps 4 decimals) and paste it again",
  rowVersusFirst: 'row {0} has {1} but row 0 has {2}',
  theArray: 'the array',
  row: 'row {0}',
  oneValue: '1 value',
  values: '{0} values',
} as const;

/** What to write instead of a token that was meant as a number (lookalikes.ts). */
export const LOOKALIKE_TEMPLATES = {
  minusSign: "U+2212 '−' is a typographic minus sign; write '-'",
  dash: "a dash that is not '-' stands where a minus sign belongs; write '-'",
  fullWidthComma: "a full-width comma (from a CJK input method) separates the values; write ','",
  fullWidthStop: "a full-width full stop stands where a decimal point belongs; write '.'",
  fullWidthDigits: 'full-width digits; write the ASCII digits 0-9',
  fortranExponent: "a Fortran-style exponent ('D'); write 'e' (1.0D+00 → 1.0e+00)",
  decimalComma: "a decimal comma; write '.'",
} as const;
