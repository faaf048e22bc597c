// Every sentence of the widget, in French (default) and English. One dictionary, same
// keys in both languages (the English one is typed after the French one, so a missing
// key fails the type check). Placeholders are {name}; values are inserted as text.
const fr = {
  title: "Je vote",
  loading: "Chargement du scrutin…",
  kindSingle: "Une seule réponse possible.",
  kindMultiple: "Choisissez de {min} à {max} réponses.",
  kindMultipleExact: "Choisissez {min} réponse(s).",
  kindJudgment: "Attribuez une mention à chaque candidat (jugement majoritaire).",
  closesAt: "Clôture : {date}.",
  notOpenYet: "Ce scrutin n'est pas encore ouvert. Ouverture : {date}.",
  closed: "Ce scrutin est clos : il n'est plus possible de voter.",
  howItWorks: "Votre identité sert uniquement à obtenir un jeton anonyme : votre bulletin est envoyé sans votre nom, sous une adresse de vote tirée au hasard.",
  login: "S'identifier avec FranceConnect",
  loginHint: "Une fenêtre s'ouvre pour vous identifier, puis se referme.",
  loginWaiting: "Identification en cours dans la fenêtre ouverte…",
  popupBlocked: "La fenêtre d'identification n'a pas pu s'ouvrir. Autorisez les fenêtres surgissantes pour ce site, puis réessayez.",
  loginCancelled: "Identification annulée.",
  loginFailed: "Identification impossible : {message}",
  identityHeading: "Votre identité",
  identityAs: "Vous allez voter en tant que {name}, né(e) le {date}.",
  fraudWarning: "Voter à la place d'une autre personne est un délit (article L. 92 du Code électoral ; usurpation d'identité, article 226-4-1 du Code pénal).",
  notMe: "Ce n'est pas moi",
  continue: "Continuer",
  ballotHeading: "Votre choix",
  review: "Vérifier mon choix",
  needOne: "Choisissez une réponse.",
  needBetween: "Choisissez de {min} à {max} réponses (vous en avez coché {count}).",
  needAllGrades: "Attribuez une mention à chaque candidat : il en manque {count}.",
  confirmHeading: "Confirmez votre vote",
  yourChoice: "Votre choix :",
  noneChosen: "(aucune réponse)",
  publicNotice: "Votre bulletin sera public sur la chaîne, sous une adresse de vote anonyme : personne ne peut le relier à votre nom.",
  confirm: "Confirmer et voter",
  edit: "Modifier",
  progressHeading: "Vote en cours",
  progressStopped: "Vote interrompu",
  stepToken: "Jeton anonyme",
  stepSignature: "Signature du bulletin",
  stepSent: "Envoyé",
  stepRecorded: "Enregistré sur la chaîne",
  stepFinal: "Définitif",
  stepDone: "fait",
  stepActive: "en cours",
  stepWaiting: "à venir",
  stepFailed: "échec",
  doneHeading: "A voté !",
  doneText: "Votre vote est définitivement enregistré sur la chaîne (bloc {block}).",
  keepProof: "Gardez votre preuve de vote : elle ne dit pas qui vous êtes, mais permet à quiconque de vérifier que votre bulletin est compté.",
  downloadProof: "Télécharger la preuve (JSON)",
  printProof: "Imprimer la preuve",
  verify: "Vérifier un vote",
  results: "Voir les résultats",
  changeVote: "Changer mon vote",
  revoteNote: "Vous pouvez changer votre vote tant que cette page reste ouverte : la clé de vote n'existe que dans cette page.",
  changingVote: "Nouveau choix (il remplacera le précédent).",
  retry: "Réessayer",
  startOver: "Recommencer",
  errAlreadyVoted: "Vous avez déjà voté à ce scrutin : une seule participation par personne.",
  errNotEligible: "Vous ne remplissez pas les conditions pour voter à ce scrutin. {rule}",
  errClosed: "Ce scrutin est clos : il n'est plus possible de voter.",
  errNotOpen: "Ce scrutin n'est pas encore ouvert.",
  errSession: "Votre identification a expiré. Identifiez-vous à nouveau : votre choix est conservé.",
  errNetwork: "Le service de vote ne répond pas. Vérifiez votre connexion puis réessayez : votre vote ne sera pas compté deux fois.",
  errRateLimited: "Trop de tentatives en peu de temps. Patientez un instant puis réessayez.",
  errChainCheck: "Ce scrutin n'a pas pu être vérifié sur la chaîne. Ne votez pas ici et prévenez l'organisateur.",
  errRejected: "La chaîne a refusé votre bulletin ({reason}).",
  errUnknownBallot: "Ce scrutin n'existe pas.",
  errOther: "Une erreur est survenue ({code}).",
} as const;

type Dictionary = { readonly [K in keyof typeof fr]: string };

const en: Dictionary = {
  title: "Vote",
  loading: "Loading the ballot…",
  kindSingle: "One answer only.",
  kindMultiple: "Choose {min} to {max} answers.",
  kindMultipleExact: "Choose {min} answer(s).",
  kindJudgment: "Give a grade to every candidate (majority judgment).",
  closesAt: "Closes: {date}.",
  notOpenYet: "This ballot is not open yet. Opens: {date}.",
  closed: "This ballot is closed: voting is over.",
  howItWorks: "Your identity is only used to obtain an anonymous token: your ballot is sent without your name, under a random voting address.",
  login: "Sign in with FranceConnect",
  loginHint: "A window opens for you to sign in, then closes.",
  loginWaiting: "Signing in, in the window that opened…",
  popupBlocked: "The sign-in window could not open. Allow pop-ups for this site, then try again.",
  loginCancelled: "Sign-in cancelled.",
  loginFailed: "Sign-in failed: {message}",
  identityHeading: "Your identity",
  identityAs: "You are about to vote as {name}, born on {date}.",
  fraudWarning: "Voting in someone else's name is a criminal offence (French Electoral Code, article L. 92; identity theft, Penal Code, article 226-4-1).",
  notMe: "This is not me",
  continue: "Continue",
  ballotHeading: "Your choice",
  review: "Review my choice",
  needOne: "Choose one answer.",
  needBetween: "Choose {min} to {max} answers (you ticked {count}).",
  needAllGrades: "Give a grade to every candidate: {count} missing.",
  confirmHeading: "Confirm your vote",
  yourChoice: "Your choice:",
  noneChosen: "(no answer)",
  publicNotice: "Your ballot will be public on the chain, under an anonymous voting address: nobody can link it to your name.",
  confirm: "Confirm and vote",
  edit: "Change",
  progressHeading: "Voting",
  progressStopped: "Vote not completed",
  stepToken: "Anonymous token",
  stepSignature: "Ballot signed",
  stepSent: "Sent",
  stepRecorded: "Recorded on the chain",
  stepFinal: "Final",
  stepDone: "done",
  stepActive: "in progress",
  stepWaiting: "to come",
  stepFailed: "failed",
  doneHeading: "You voted!",
  doneText: "Your vote is final on the chain (block {block}).",
  keepProof: "Keep your proof of vote: it does not say who you are, but lets anyone check that your ballot is counted.",
  downloadProof: "Download the proof (JSON)",
  printProof: "Print the proof",
  verify: "Verify a vote",
  results: "See the results",
  changeVote: "Change my vote",
  revoteNote: "You may change your vote while this page stays open: the voting key exists only in this page.",
  changingVote: "New choice (it will replace the previous one).",
  retry: "Try again",
  startOver: "Start over",
  errAlreadyVoted: "You have already voted in this ballot: one participation per person.",
  errNotEligible: "You do not meet the conditions to vote in this ballot. {rule}",
  errClosed: "This ballot is closed: voting is over.",
  errNotOpen: "This ballot is not open yet.",
  errSession: "Your sign-in has expired. Sign in again: your choice is kept.",
  errNetwork: "The voting service does not answer. Check your connection and try again: your vote will not be counted twice.",
  errRateLimited: "Too many attempts in a short time. Wait a moment and try again.",
  errChainCheck: "This ballot could not be checked on the chain. Do not vote here, and tell the organizer.",
  errRejected: "The chain refused your ballot ({reason}).",
  errUnknownBallot: "This ballot does not exist.",
  errOther: "Something went wrong ({code}).",
};

export type Lang = "fr" | "en";
export type StringKey = keyof typeof fr;

export function translator(lang: Lang) {
  const dictionary: Dictionary = lang === "en" ? en : fr;
  return (key: StringKey, params: Record<string, string | number> = {}): string =>
    dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type Translate = ReturnType<typeof translator>;

/**
 * Dates as people read them: "22 novembre 2026 à 18:00 UTC+1" (ballot times, in Paris time
 * and saying so, whatever the visitor's zone), or "14 mars 1980" (a birthdate, a calendar day).
 */
export function formatDate(lang: Lang, iso: string, withTime = true): string {
  const date = new Date(withTime ? iso : `${iso}T12:00:00Z`);
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "fr-FR", withTime
    ? { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short", timeZone: "Europe/Paris" }
    : { dateStyle: "long", timeZone: "UTC" }).format(date);
}
