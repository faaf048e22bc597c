// How a sentence of the widget or of a public page is written out (client/widget/strings.ts,
// client/shared/public-i18n.ts): placeholders {name} filled as text, a plural form chosen by
// the language's rules for {count} (French: 0 and 1 take the singular, "0 bulletin compté";
// English: 1 only) and written as the language writes numbers ("1 234", "1,234"), and in French the non-breaking spaces of French typography, so that a
// line never begins with « : », « ; », « ! », « ? » or « » »:
//   U+00A0 (no-break space) before « : » and « » » and after « « »,
//   U+202F (narrow no-break space) before « ; », « ! », « ? ».
// The spacing applies to the sentence, never to the values put in it (a question, a name).

import { frenchSpacing } from "../../protocol/french-spacing.js";

/** A sentence, or its two plural forms (chosen by the {count} parameter). */
export type Message = string | { readonly one: string; readonly other: string };
export type MessageLang = "fr" | "en";

const rules = { fr: new Intl.PluralRules("fr-FR"), en: new Intl.PluralRules("en-GB") };


export function formatMessage(lang: MessageLang, message: Message, params: Readonly<Record<string, string | number>> = {}): string {
  let sentence: string;
  if (typeof message === "string") sentence = message;
  else {
    const count = params.count;
    if (typeof count !== "number") throw new TypeError("formatMessage: a message with plural forms needs a numeric {count}");
    sentence = rules[lang].select(count) === "one" ? message.one : message.other;
  }
  if (lang === "fr") sentence = frenchSpacing(sentence);
  const text = (name: string) => {
    const value = params[name];
    return name === "count" && typeof value === "number" ? value.toLocaleString(lang === "en" ? "en-GB" : "fr-FR") : String(value);
  };
  return sentence.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? text(name) : whole));
}
