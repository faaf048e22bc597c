/**
 * Demo citizens of the embedded DEVELOPMENT provider. All fictional: the names are common
 * French names, the e-mail addresses use the reserved example.org domain (RFC 2606).
 *
 * Their ages, on 2026-11-22, cover what eligibility rules must tell apart: a mature adult,
 * a young adult, a minor and an older citizen. Claims follow FranceConnect's "identité
 * pivot": birthplace is the INSEE code of the commune (empty when born abroad),
 * birthcountry the INSEE code of the country (99100 is France), gender "female"/"male".
 */
export interface DemoCitizen {
  /** Internal account id at the provider; subjects sent to clients are pairwise, never this. */
  readonly id: string;
  readonly given_name: string;
  readonly family_name: string;
  /** YYYY-MM-DD. */
  readonly birthdate: string;
  readonly birthplace: string;
  readonly birthcountry: string;
  readonly gender: "female" | "male";
  /** Nom d'usage; empty when the citizen has none. */
  readonly preferred_username: string;
  readonly email: string;
}

export const DEMO_CITIZENS: readonly DemoCitizen[] = Object.freeze(([
  {
    id: "citizen-camille",
    given_name: "Camille",
    family_name: "Martin",
    birthdate: "1980-03-14",
    birthplace: "75056",
    birthcountry: "99100",
    gender: "female",
    preferred_username: "",
    email: "camille.martin@example.org",
  },
  {
    id: "citizen-lucas",
    given_name: "Lucas",
    family_name: "Bernard",
    birthdate: "2007-05-09",
    birthplace: "69123",
    birthcountry: "99100",
    gender: "male",
    preferred_username: "",
    email: "lucas.bernard@example.org",
  },
  {
    id: "citizen-ines",
    given_name: "Inès",
    family_name: "Petit",
    birthdate: "2012-09-30",
    birthplace: "13055",
    birthcountry: "99100",
    gender: "female",
    preferred_username: "",
    email: "ines.petit@example.org",
  },
  {
    id: "citizen-odette",
    given_name: "Odette",
    family_name: "Lefèvre",
    birthdate: "1938-01-17",
    birthplace: "59350",
    birthcountry: "99100",
    gender: "female",
    preferred_username: "Roux",
    email: "odette.lefevre@example.org",
  },
] satisfies DemoCitizen[]).map((citizen) => Object.freeze(citizen)));

export function findCitizen(id: unknown, citizens: readonly DemoCitizen[] = DEMO_CITIZENS): DemoCitizen | undefined {
  return typeof id === "string" ? citizens.find((citizen) => citizen.id === id) : undefined;
}
