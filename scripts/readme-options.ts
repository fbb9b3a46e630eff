// Prints README.md's options table, generated from backend/config.ts; paste it over the old one.
// backend/test/config/readme-options.test.ts fails until README.md carries exactly this table.
//
//   npx tsx scripts/readme-options.ts
import { optionsMarkdownTable } from '../backend/config.ts';

process.stdout.write(optionsMarkdownTable());
