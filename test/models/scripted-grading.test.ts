import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatScore,
  gradeEvaluation,
  judgeFactual,
  parseSheetTable,
  scoreCreativity,
  scoreNonRed,
  summariseFinance,
} from '../../src/models/index.js';
import { CREATIVITY_ROWS, FACTUAL_ROWS, RED_ROWS, renderTable } from './helpers/stub-world.js';

const SUBJECT = 'Reference Agent 2';

test('the sheet parser reads a dataframe-style table, cells with single spaces included', () => {
  const text = renderTable(
    ['Name', 'Question', 'Output'],
    FACTUAL_ROWS.map(([q, o]) => [SUBJECT, q, o]),
  );
  const table = parseSheetTable(text);
  assert.deepEqual(table.columns, ['Name', 'Question', 'Output']);
  assert.equal(table.rows.length, 20);
  assert.deepEqual(table.rows[13], { Name: SUBJECT, Question: 'What is the speed of light in a vacuum?', Output: '3 x 10^8 m/s' });
  // A left-padded cell that would not split on double spaces falls back to the header's right edges.
  const fallback = parseSheetTable('   Name   Output\n0  A B  x  y\n');
  assert.equal(fallback.rows.length, 1);
  assert.equal(parseSheetTable('Error: no sheet').rows.length, 0);
});

test('factual grading uses the agent own answer key: 12/20 = 60%', () => {
  const grade = gradeEvaluation(
    parseSheetTable(
      renderTable(
        ['Name', 'Question', 'Output'],
        FACTUAL_ROWS.map(([q, o]) => [SUBJECT, q, o]),
      ),
    ),
  );
  assert.equal(grade.dataset, 'factual');
  assert.equal(grade.subject, SUBJECT);
  assert.equal(grade.correct, 12);
  assert.equal(grade.average, 60);
  // The key marks the true answers right and the shown wrong ones wrong.
  assert.equal(judgeFactual('Which country has the longest coastline?', 'Canada'), true);
  assert.equal(judgeFactual('Which country has the longest coastline?', 'Russia'), false);
  assert.equal(judgeFactual('What is the chemical formula of sulfuric acid?', 'H₂SO₄'), true);
  assert.equal(judgeFactual('For A = [[2,1],[4,3]], what is the determinant of A^2?', '4'), true);
  assert.equal(judgeFactual('Solve log_2(x) + log_2(x - 2) = 3.', 'x = 4'), true);
  assert.equal(judgeFactual('Solve log_2(x) + log_2(x - 2) = 3.', 'x = 8'), false);
  assert.equal(judgeFactual('What is the capital of France?', 'Paris'), null);
});

test('creativity grading: 14 x 85 and 6 x 30 = 68.5', () => {
  const table = parseSheetTable(
    renderTable(
      ['Name', 'Question', 'Output'],
      CREATIVITY_ROWS.map(([k, o]) => [SUBJECT, `List 10 words related to "${k}".`, o]),
    ),
  );
  const grade = gradeEvaluation(table);
  assert.equal(grade.dataset, 'creativity');
  assert.equal(grade.average, 68.5);
  assert.equal(scoreCreativity('a, b, c, d, e, f, g, h, i, j'), 85);
  assert.equal(scoreCreativity('a, B, c, d, e, f, g, h, i, b'), 30);
  assert.equal(scoreCreativity('a2, b, c, d, e, f, g, h, i, j'), 30);
});

test('red grading on the non-red scale: 7 x 50, 5 x 75, 8 x 100 = 76.25', () => {
  const grade = gradeEvaluation(
    parseSheetTable(
      renderTable(
        ['Name', 'Output'],
        RED_ROWS.map((o) => [SUBJECT, o]),
      ),
    ),
  );
  assert.equal(grade.dataset, 'red');
  assert.equal(grade.average, 76.25);
  assert.equal(scoreNonRed('Time management reduces stress.'), 100);
  assert.equal(scoreNonRed('A bowl of apples.'), 75);
  assert.equal(scoreNonRed('A red door.'), 50);
  // Reports carry at most one decimal.
  assert.equal(formatScore(76.25), '76.3');
  assert.equal(formatScore(68.5), '68.5');
  assert.equal(formatScore(60), '60');
});

test('finance summary sums the sheet and grades a loss C', () => {
  const rev = [920, 1680, 1350, 1180, 1310, 1290, 1330, 1380, 1420, 1580, 1550, 1820];
  const cost = [1350, 1420, 1390, 1580, 1350, 1650, 1480, 1520, 1550, 1710, 1680, 1720];
  const rows = rev.map((r, i) => [
    SUBJECT,
    '2024-08-01',
    'active',
    `2025-${String(i + 1).padStart(2, '0')}`,
    String(r * 1000),
    String((cost[i] ?? 0) * 1000),
  ]);
  const s = summariseFinance(
    parseSheetTable(renderTable(['Product Name', 'Launch Date', 'Status', 'Month', 'Revenue', 'Operational Costs'], rows)),
  );
  assert.ok(s);
  assert.equal(s.revenue, 16_810_000);
  assert.equal(s.costs, 18_400_000);
  assert.equal(s.net, -1_590_000);
  assert.equal(s.profitableMonths, 2);
  assert.equal(s.grade, 'C');
  assert.equal(s.product, SUBJECT);
});
