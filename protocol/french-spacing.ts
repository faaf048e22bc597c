// French typography for sentences written with ordinary spaces, so that a line never begins
// with « : », « ; », « ! », « ? » or « » »: U+00A0 (no-break space) before « : » and « » »
// and after « « », U+202F (narrow no-break space) before « ; », « ! », « ? ». Used by the
// browser pages' messages (client/shared/messages.ts) and the pages the server writes
// (the observer guide). Apply it to the sentence, never to values put in it (a question).

export function frenchSpacing(sentence: string): string {
  return sentence
    .replace(/« /g, "«\u00A0")
    .replace(/ ([:»])/g, "\u00A0$1")
    .replace(/ ([;!?])/g, "\u202F$1");
}
