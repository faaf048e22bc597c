// The demo partner's ballots: one of each kind the widget draws, plus one that allows a
// revote, so that `npm start` shows every screen. Bodies of POST /v1/ballots.
export type DemoBallotName = "single" | "multiple" | "judgment" | "revote";

export const DEMO_BALLOT_NAMES: readonly DemoBallotName[] = ["single", "multiple", "judgment", "revote"];

/** Demo ballots stay open a month; a restart after that creates fresh ones. */
export const DEMO_BALLOT_DAYS = 30;

export function demoBallotBody(name: DemoBallotName, now: Date): Record<string, unknown> {
  const closesAt = new Date(now.getTime() + DEMO_BALLOT_DAYS * 86_400_000).toISOString();
  // Public ballots, said so to voters: the demo has no trustees to open a sealed one (PROTOCOL.md §11).
  const common = { closesAt, liveResults: true, eligibility: { minimumAge: 18 }, sealing: "public" };
  switch (name) {
    case "single":
      return { ...common, kind: "single_choice", question: "Faut-il piétonniser la place du Marché le dimanche ?", options: ["Pour", "Contre", "Abstention"] };
    case "multiple":
      return { ...common, kind: "multiple_choice", question: "Quels équipements financer avec le budget participatif ?", options: ["Pistes cyclables", "Jardins partagés", "Médiathèque ouverte le soir", "Aire de jeux", "Fontaines à eau"], minChoices: 1, maxChoices: 2 };
    case "judgment":
      return { ...common, kind: "majority_judgment", question: "Quel nom donner au nouveau parc ?", options: ["Parc Simone-Veil", "Parc des Tilleuls", "Parc Olympe-de-Gouges"] };
    case "revote":
      return { ...common, kind: "single_choice", allowRevote: true, question: "Faut-il allonger les horaires de la piscine municipale ? (vote modifiable)", options: ["Pour", "Contre", "Abstention"] };
  }
}

export const DEMO_BALLOT_TITLES: Record<DemoBallotName, string> = {
  single: "Question simple : pour, contre ou abstention",
  multiple: "Choix multiple : 1 à 2 réponses",
  judgment: "Jugement majoritaire : une mention par proposition",
  revote: "Vote modifiable : changez d'avis tant que le scrutin est ouvert",
};
