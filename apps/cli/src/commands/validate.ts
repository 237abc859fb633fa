// `kush validate <file.jsonl | ->`: checks envelopes line by line against the contracts.
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { validateEnvelope, type ValidationIssue } from '@kush/contracts';
import type { Command } from 'commander';
import { CliError, EXIT_FAILURE } from '../cli-error.js';
import { bad, good, printJson, printLine, type JsonOption } from '../output.js';

/** Invalid lines listed in full; past this the summary still counts them all. */
export const INVALID_LINES_LISTED_MAX = 1000;

interface LineReport {
  line: number;
  issues: ValidationIssue[];
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('Validate event envelopes, one JSON object per line; exit 1 when any line is invalid')
    .argument('<file>', 'a JSONL file, or - for standard input')
    .option('--json', 'print a JSON report')
    .action(async (file: string, options: JsonOption) => {
      if (file !== '-') {
        await access(file).catch(() => {
          throw new CliError(`file: ${file} does not exist or cannot be read`, EXIT_FAILURE, 'FILE_NOT_FOUND');
        });
      }
      const input = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
      const lines = createInterface({ input, crlfDelay: Infinity });
      let total = 0;
      let valid = 0;
      let invalid = 0;
      const reports: LineReport[] = [];
      let lineNumber = 0;
      for await (const text of lines) {
        lineNumber++;
        if (text.trim() === '') continue;
        total++;
        let issues: ValidationIssue[];
        try {
          const result = validateEnvelope(JSON.parse(text));
          issues = result.ok ? [] : [...result.issues];
        } catch (error) {
          issues = [{ path: '(line)', rule: 'json', message: `(line): not valid JSON (${(error as Error).message})` }];
        }
        if (issues.length === 0) {
          valid++;
          continue;
        }
        invalid++;
        if (reports.length < INVALID_LINES_LISTED_MAX) reports.push({ line: lineNumber, issues });
        if (!options.json) for (const i of issues) printLine(`${bad(`line ${lineNumber}`)}: ${i.message}`);
      }
      if (options.json) {
        printJson({ file, lines: total, valid, invalid, errors: reports });
      } else {
        const summary = `${total} envelopes: ${valid} valid, ${invalid} invalid`;
        printLine(invalid === 0 ? good(summary) : bad(summary));
      }
      if (invalid > 0) process.exitCode = EXIT_FAILURE;
    });
}
