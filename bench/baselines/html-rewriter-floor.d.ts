/** The floor's worker, for test/guard/floor-selectors.test.ts, which checks it against the guard's selectors. */
declare const floor: { fetch(request: Request, env: { ORIGIN: string }): Promise<Response> };
export default floor;
/** The floor's rewriter, registered with its selectors (the worker makes one and reuses it). */
export declare function floorRewriter(): HTMLRewriter;
