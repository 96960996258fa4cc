/**
 * Random pages for the locked-down page's link scanner (locked-page-random.test.ts): links carrying
 * tracking parameters among what the tree builder's model (foreign-content.ts) must follow: tables with
 * captions and column groups, templates (some starting with table parts), selects, formatting elements
 * nested and misnested (the adoption agency), block elements, SVG and MathML holding scripts and styles,
 * raw text elements. No `<noscript>`: DOMParser parses with scripting off, the scanner as a browser
 * with it on. Deterministic for a seed.
 */
import { randomSource } from "./random-pages";

export function randomLockedPage(seed: number, index: number): string {
	const random = randomSource(seed * 100_003 + index + 7);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
	let id = 0;

	const link = () => {
		const param = pick(["utm_source=a", "gclid=x", "utm_medium=b&amp;k=1", "fbclid=y"]);
		const attr = pick(["href", "href", "HREF", "xlink:href"]);
		return `<${pick(["a", "a", "A"])} ${attr}="/l${id++}?${param}">${pick(["t", "", "<b>x</b>"])}`;
	};
	const close = () =>
		pick(["</a>", "</a>", "", "</b>", "</i>", "</p>", "</div>", "</svg>", "</td>", "</table>"]);
	const raw = () =>
		pick([
			`<script>s="<a href='/r${id++}?gclid=r'>";</script>`,
			`<style>a[href="/r${id++}?gclid=s"]{}</style>`,
			`<textarea><a href="/r${id++}?gclid=t"></textarea>`,
			`<title><b>t${id++}</title>`,
			`<xmp><svg><script>x${id++}</script></xmp>`,
			`<iframe><a href="/r${id++}?gclid=i"></iframe>`,
			`<noembed><p>n${id++}</noembed>`,
			`<script><!--<script>x${id++}</script>--></script>`,
		]);
	const foreign = () =>
		pick([
			"<svg>",
			"<svg><g>",
			"<math>",
			"<math><mi>",
			"<svg><foreignObject>",
			"<svg><desc>",
			"<math><annotation-xml encoding='text/html'>",
			`<svg><script>x${id++}</script>`,
			`<svg><style>y${id++}</style>`,
			`<math><style>z${id++}</style>`,
			`<svg><![CDATA[<a href="/c${id++}?gclid=c">]]>`,
			"</svg>",
			"</math>",
		]);
	const formatting = () =>
		pick([
			"<a>",
			"<b>",
			"<i>",
			"<font>",
			"<font color=red>",
			"<nobr>",
			"<s>",
			"<em>",
			"</b>",
			"</i>",
			"</a>",
			"</nobr>",
		]);
	const block = () =>
		pick([
			"<div>",
			"<p>",
			"<ul><li>",
			"<li>",
			"<h1>",
			"<blockquote>",
			"<section>",
			"<pre>",
			"<dl><dt>",
			"</div>",
			"</p>",
		]);
	const table = () =>
		pick([
			"<table>",
			"<table><tr><td>",
			"<td>",
			"<tr>",
			"<tbody>",
			"<caption>",
			"</caption>",
			"<colgroup><col>",
			"<col>",
			"</colgroup>",
			"</table>",
			"<th>",
			"</td>",
			"</tr>",
		]);
	const template = () =>
		pick(["<template>", "<template><tr>", "<template><td>", "<template><col>", "</template>"]);
	const select = () => pick(["<select>", "<select><option>", "<option>", "</select>", "<optgroup>"]);
	const other = () =>
		pick(["text ", " ", "<span>", "</span>", "<br>", "<img>", "<form>", "</form>", "<!-- c -->"]);

	let out = pick(["<!doctype html>", "", "<!doctype html><body>"]);
	const n = 10 + Math.floor(random() * 30);
	for (let i = 0; i < n; i++) {
		out += pick([
			link,
			link,
			link,
			close,
			raw,
			raw,
			foreign,
			formatting,
			formatting,
			block,
			block,
			table,
			template,
			select,
			other,
		])();
	}
	return out;
}
