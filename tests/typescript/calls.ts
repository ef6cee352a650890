// A browser app's calls, written against the types generated from the services' OpenAPI
// documents (generated/*.ts, by generate.mjs). `tsc --strict` fails on this file when a
// document changes in a way that breaks these calls: an operation renamed, a parameter or
// field removed or retyped, the Problem shape or the task shape changed.
import createClient from "openapi-fetch";

import type { components as Escalation, paths as EscalationPaths } from "./generated/escalation";
import type { components as Performance, paths as PerformancePaths } from "./generated/performance";
import type { components as Recognition, paths as RecognitionPaths } from "./generated/recognition";
import type {
  components as Scheduling,
  operations as SchedulingOperations,
  paths as SchedulingPaths,
} from "./generated/scheduling";

type Problem = Scheduling["schemas"]["Problem"];
type Task = Scheduling["schemas"]["Task"];
type Employee = Scheduling["schemas"]["EmployeeRead"];

const headers = (token: string) => ({ Authorization: `Bearer ${token}`, "Accept-Language": "zh-CN" });

export function clients(token: string) {
  return {
    scheduling: createClient<SchedulingPaths>({ baseUrl: "http://127.0.0.1:8001", headers: headers(token) }),
    performance: createClient<PerformancePaths>({ baseUrl: "http://127.0.0.1:8002", headers: headers(token) }),
    recognition: createClient<RecognitionPaths>({ baseUrl: "http://127.0.0.1:8003", headers: headers(token) }),
    escalation: createClient<EscalationPaths>({ baseUrl: "http://127.0.0.1:8004", headers: headers(token) }),
  };
}
type Clients = ReturnType<typeof clients>;

/** What a screen shows for a refusal: the person-facing detail, and the rule when a rule refused. */
export function explain(problem: Problem): string {
  const rule: string | null | undefined = problem.rule;
  const status: number = problem.status;
  return rule ? `${problem.detail} (${rule})` : `${status} ${problem.title}: ${problem.detail}`;
}

// The swap picker: the agent's team by name or agent number (operation listEmployees).
type EmployeeSearch = NonNullable<SchedulingOperations["listEmployees"]["parameters"]["query"]>;

export async function findColleagues(api: Clients, fragment: string): Promise<Employee[]> {
  const query: EmployeeSearch = { q: fragment, sort: "name", limit: 20, offset: 0 };
  const { data, error } = await api.scheduling.GET("/v1/employees", { params: { query } });
  if (error) throw new Error(explain(error));
  const page: { items: Employee[]; total: number } = data;
  return page.items.filter((person) => person.active);
}

// The leader signs a swap off (operation approveSwap), safe to retry with the same key.
export async function approveSwap(api: Clients, swapId: string, key: string): Promise<string> {
  const { data, error, response } = await api.scheduling.POST("/v1/swaps/{swap_id}/approve", {
    params: { path: { swap_id: swapId }, header: { "Idempotency-Key": key } },
    body: {},
  });
  if (error) {
    const problem: Problem = error;
    if (problem.type.endsWith("idempotency-in-progress")) return "retry";
    throw new Error(explain(problem));
  }
  const replayed = response.headers.get("Idempotent-Replayed") === "true";
  return `${data.status}${replayed ? " (replayed)" : ""} by ${data.approver_name ?? "?"}`;
}

// A coaching interview recorded by the leader: fields with a default (notes) may be left out.
export async function coach(api: Clients, agentId: string, key: string): Promise<string> {
  const body: Performance["schemas"]["CoachingCreate"] = { agent_id: agentId, goals: ["Confirm every fix"] };
  const { data, error } = await api.performance.POST("/v1/coaching", {
    params: { header: { "Idempotency-Key": key } },
    body,
  });
  if (error) throw new Error(explain(error));
  return data.id;
}

// "Waiting for me": the four services answer one task shape, merged into one inbox.
export async function inbox(api: Clients): Promise<Task[]> {
  const answers = await Promise.all([
    api.scheduling.GET("/v1/tasks/mine", { params: { query: { limit: 100 } } }),
    api.performance.GET("/v1/tasks/mine", {}),
    api.recognition.GET("/v1/tasks/mine", {}),
    api.escalation.GET("/v1/tasks/mine", {}),
  ]);
  const tasks: Task[] = [];
  for (const { data, error } of answers) {
    if (error) throw new Error(explain(error));
    tasks.push(...data.items);
  }
  const performanceTask: Performance["schemas"]["Task"] | undefined = tasks[0];
  const recognitionTask: Recognition["schemas"]["Task"] | undefined = performanceTask;
  const escalationTask: Escalation["schemas"]["Task"] | undefined = recognitionTask;
  void escalationTask;
  const due = (task: Task) => (task.due_at ? Date.parse(task.due_at) : Number.POSITIVE_INFINITY);
  return tasks.sort((a, b) => due(a) - due(b) || Date.parse(a.since) - Date.parse(b.since));
}

// Misuse the types must refuse (an unused @ts-expect-error is itself an error, so these also
// prove the generated types are not `any`).
export async function misuse(api: Clients): Promise<void> {
  // @ts-expect-error approveSwap needs its swap_id path parameter
  await api.scheduling.POST("/v1/swaps/{swap_id}/approve", { body: {} });
  // @ts-expect-error listEmployees sorts by name or agent_number only
  await api.scheduling.GET("/v1/employees", { params: { query: { sort: "salary" } } });
  // @ts-expect-error a coaching interview needs goals
  await api.performance.POST("/v1/coaching", { body: { agent_id: "0b7c5d1e-1f0c-4d43-9a0a-55b1d1a1c0de" } });
  // @ts-expect-error there is no such path
  await api.scheduling.GET("/v1/nowhere");
}
