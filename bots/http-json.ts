export interface JsonResponse {
  status: number;
  json: Record<string, unknown> | null;
}

/** POSTs JSON with a timeout; network failures reject, HTTP errors resolve with their status. */
export async function postJson(url: string, body: unknown, timeoutMs = 10_000, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json };
}
