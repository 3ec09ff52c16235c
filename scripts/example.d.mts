// Types of scripts/example.mjs, for the tests that import it.
import type { Server } from 'node:http';
export const ROOT: string;
export const EXAMPLE: string;
export const EXAMPLE_CSP: string;
export function bundleForBrowser(entry: string, outdir: string): Promise<void>;
export function buildExample(): Promise<void>;
export function serveFolder(folder: string, headers?: Record<string, string>, port?: number): Promise<{ server: Server; origin: string }>;
