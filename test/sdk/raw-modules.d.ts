/** Vite's `?raw` imports (file contents as a string), used to check generated copies are current. */
declare module "*?raw" {
	const content: string;
	export default content;
}
