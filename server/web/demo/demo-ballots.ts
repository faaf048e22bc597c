// The demo partner's ballots: a sealed one (the choice encrypted in the browser), one of
// each kind the widget draws, plus one that allows a revote, so that `npm start` shows
// every screen. Bodies of POST /v1/ballots.
export type DemoBallotName = "sealed" | "single" | "multiple" | "judgment" | "revote";

export const DEMO_BALLOT_NAMES: readonly DemoBallotName[] = ["sealed", "single", "multiple", "judgment", "revote"];

/** Demo ballots stay open a month; a restart after that creates fresh ones. */
export const DEMO_BALLOT_DAYS = 30;

/** `ceremonyId`: the demo's finished key ceremony, for the sealed ballot. */
export function demoBallotBody(name: DemoBallotName, now: Date, ceremonyId?: string): Record<string, unknown> {
  const closesAt = new Date(now.getTime() + DEMO_BALLOT_DAYS * 86_400_000).toISOString();
  // The others are public ballots, said so to voters, with live results to watch.
  const common = { closesAt, liveResults: true, eligibility: { minimumAge: 18 }, sealing: "public" };
  switch (name) {
    case "sealed":
      return { closesAt, liveResults: false, eligibility: { minimumAge: 18 }, sealing: { ceremony: ceremonyId }, kind: "single_choice", question: "Faut-il créer un conseil citoyen tiré au sort ?", options: ["Pour", "Contre", "Abstention"] };
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
  sealed: "Scrutin scellé : votre choix est chiffré dans votre navigateur",
  single: "Question simple : pour, contre ou abstention",
  multiple: "Choix multiple : 1 à 2 réponses",
  judgment: "Jugement majoritaire : une mention par proposition",
  revote: "Vote modifiable : changez d'avis tant que le scrutin est ouvert",
};
