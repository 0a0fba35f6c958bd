// A persistent privacy-budget ledger per dataset (sequential composition of pure-DP queries,
// Dwork & Roth 2014, Thm. 3.14): every query's epsilon is recorded before its answer is
// released, and a query that would take the total past the dataset's budget is refused.

import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { MlsecError } from "../../core/index.js";
import { migrate, type Store } from "../../store/index.js";

interface LedgerTables {
  privacy_datasets: { dataset: string; budget: number; created_at: string };
  privacy_spends: {
    id: string;
    dataset: string;
    epsilon: number;
    query: string;
    created_at: string;
  };
}

const MIGRATIONS = {
  "0001_create_privacy_ledger": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("privacy_datasets")
        .addColumn("dataset", "text", (c) => c.primaryKey())
        .addColumn("budget", "double precision", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("privacy_spends")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("dataset", "text", (c) => c.notNull().references("privacy_datasets.dataset"))
        .addColumn("epsilon", "double precision", (c) => c.notNull())
        .addColumn("query", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("privacy_spends_dataset")
        .on("privacy_spends")
        .column("dataset")
        .execute();
    },
  },
};

export interface BudgetStatus {
  readonly dataset: string;
  readonly budget: number;
  readonly spent: number;
  readonly remaining: number;
  readonly queries: number;
}

/** Slack for floating-point sums of epsilons (a budget of 1 allows ten queries of 0.1). */
const SLACK = 1e-9;

export class BudgetLedger {
  private constructor(private readonly db: Kysely<LedgerTables>) {}

  static async open(store: Store): Promise<BudgetLedger> {
    await migrate(store, "privacy", MIGRATIONS);
    return new BudgetLedger(store.db as Kysely<LedgerTables>);
  }

  async status(dataset: string): Promise<BudgetStatus | undefined> {
    return statusIn(this.db, dataset);
  }

  /**
   * Records `epsilon` against the dataset (registering it with `budget` on first use), or throws
   * E_PRIVACY_BUDGET_EXCEEDED and records nothing. Check and insert run in one transaction.
   */
  async spend(
    dataset: string,
    epsilon: number,
    query: string,
    budget: number | undefined,
  ): Promise<BudgetStatus> {
    if (!(epsilon > 0 && Number.isFinite(epsilon))) {
      throw new MlsecError("E_INVALID_ARGUMENT", `epsilon must be > 0, got ${epsilon}`);
    }
    return this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      let status = await statusIn(trx, dataset);
      if (status === undefined) {
        if (budget === undefined) {
          throw new MlsecError(
            "E_INVALID_ARGUMENT",
            `dataset ${dataset} has no privacy budget yet`,
            {
              hint: "Pass --budget EPSILON on the first query to register the dataset's budget.",
            },
          );
        }
        await trx
          .insertInto("privacy_datasets")
          .values({ dataset, budget, created_at: now })
          .execute();
        status = { dataset, budget, spent: 0, remaining: budget, queries: 0 };
      } else if (budget !== undefined && budget !== status.budget) {
        throw new MlsecError(
          "E_INVALID_ARGUMENT",
          `dataset ${dataset} already has a budget of ${status.budget}; it cannot be changed`,
          { hint: "Omit --budget; a budget is fixed when the dataset is first queried." },
        );
      }
      if (status.spent + epsilon > status.budget + SLACK) {
        throw new MlsecError(
          "E_PRIVACY_BUDGET_EXCEEDED",
          `the query needs epsilon ${epsilon} but only ${Math.max(0, status.remaining)} of ${status.budget} is left`,
          { details: { ...status, requested: epsilon } },
        );
      }
      await trx
        .insertInto("privacy_spends")
        .values({ id: randomUUID(), dataset, epsilon, query, created_at: now })
        .execute();
      const spent = tidy(status.spent + epsilon);
      return {
        ...status,
        spent,
        remaining: tidy(status.budget - spent),
        queries: status.queries + 1,
      };
    });
  }
}

async function statusIn(
  db: Kysely<LedgerTables>,
  dataset: string,
): Promise<BudgetStatus | undefined> {
  const row = await db
    .selectFrom("privacy_datasets")
    .select("budget")
    .where("dataset", "=", dataset)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const agg = await db
    .selectFrom("privacy_spends")
    .select((eb) => [eb.fn.sum<number>("epsilon").as("spent"), eb.fn.countAll<number>().as("n")])
    .where("dataset", "=", dataset)
    .executeTakeFirst();
  const spent = tidy(Number(agg?.spent ?? 0));
  const budget = Number(row.budget);
  return { dataset, budget, spent, remaining: tidy(budget - spent), queries: Number(agg?.n ?? 0) };
}

/** Rounds away float noise from sums of decimal epsilons (0.1 + 0.2 -> 0.3). */
const tidy = (x: number) => Number(x.toPrecision(12));
