import express, { type NextFunction, type Request, type Response } from "express";
import type Provider from "oidc-provider";
import { type DemoCitizen, findCitizen } from "./citizens.js";
import { PAGE_SECURITY_HEADERS, renderErrorPage, renderLoginPage } from "./login-page.js";

export interface InteractionOptions {
  citizens: readonly DemoCitizen[];
  /** Level of assurance recorded at login (FranceConnect: eidas1); null records none. */
  acr: string | null;
}

/**
 * The provider's own pages: choose a demo citizen (login), then consent, granted
 * automatically for exactly what the client asked.
 *
 * CSRF: every form posts to /interaction/<uid>, and oidc-provider only finds the
 * interaction through its signed, SameSite=Lax cookie; we also require the uid in the URL
 * to be the cookie's, so a form from another site or another login cannot finish this one.
 */
export function interactionRoutes(provider: Provider, options: InteractionOptions): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "2kb", parameterLimit: 5 });

  router.use((_req, res, next) => {
    res.set(PAGE_SECURITY_HEADERS);
    next();
  });

  const details = async (req: Request, res: Response) => {
    const interaction = await provider.interactionDetails(req, res);
    if (interaction.uid !== req.params.uid) throw new InteractionError("Cette page de connexion ne correspond pas à la connexion en cours.");
    return interaction;
  };

  router.get("/:uid", async (req, res) => {
    const interaction = await details(req, res);
    if (interaction.prompt.name === "login") {
      const client = await provider.Client.find(String(interaction.params.client_id));
      res.type("html").send(renderLoginPage({
        uid: interaction.uid,
        clientName: client?.clientName ?? String(interaction.params.client_id),
        citizens: options.citizens,
        today: new Date(),
      }));
      return;
    }
    if (interaction.prompt.name === "consent") {
      const grantId = await grantRequested(provider, interaction);
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    throw new InteractionError("Étape de connexion inconnue.");
  });

  router.post("/:uid/login", form, async (req, res) => {
    const interaction = await details(req, res);
    if (interaction.prompt.name !== "login") throw new InteractionError("Cette connexion n'attend pas de choix d'identité.");
    const citizen = findCitizen((req.body as Record<string, unknown> | undefined)?.citizen, options.citizens);
    if (citizen === undefined) throw new InteractionError("Identité de démonstration inconnue.");
    await provider.interactionFinished(req, res, {
      login: {
        accountId: citizen.id,
        ...(options.acr === null ? {} : { acr: options.acr }),
        amr: ["pwd"],
        // No long-lived session: the next login shows the chooser again (see provider.ts).
        remember: false,
      },
    }, { mergeWithLastSubmission: false });
  });

  router.post("/:uid/abort", async (req, res) => {
    await details(req, res);
    await provider.interactionFinished(req, res, {
      error: "access_denied",
      error_description: "The citizen cancelled the login.",
    }, { mergeWithLastSubmission: false });
  });

  // Short French page, no stack trace, nothing logged: the request may carry a login.
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const message = error instanceof InteractionError
      ? error.message
      : "Cette connexion a expiré ou n'est plus valable. Revenez au service et recommencez.";
    res.status(400).type("html").send(renderErrorPage(message));
  });

  return router;
}

class InteractionError extends Error {}

type InteractionDetails = Awaited<ReturnType<Provider["interactionDetails"]>>;

/** Grants the scopes and claims the client asked for, nothing more, and returns the grant id. */
async function grantRequested(provider: Provider, interaction: InteractionDetails): Promise<string> {
  const accountId = interaction.session?.accountId;
  if (accountId === undefined) throw new InteractionError("Aucune identité choisie.");
  const grant = interaction.grantId !== undefined
    ? await provider.Grant.find(interaction.grantId)
    : new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });
  if (grant === undefined) throw new InteractionError("Consentement introuvable.");
  const missing = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  return grant.save();
}
