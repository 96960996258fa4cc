/** The floor's worker, for test/guard/floor-selectors.test.ts, which checks it against the guard's selectors. */
declare const floor: { fetch(request: Request, env: { ORIGIN: string }): Promise<Response> };
export default floor;
