import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Condition, canonicalJson, UserError } from '../../src/core/index.js';
import { BUILTIN_SCENARIOS, type BuildContext, defineScenario, getScenario, type ScenarioDefinition } from '../../src/scenarios/index.js';
import { sealWorldInit, World } from '../../src/world/index.js';

const tampering = getScenario('tampering')!;

/** A scenario that builds the tampering instance and counts its builds. */
function counting(extra: Partial<ScenarioDefinition>, read?: (ctx: BuildContext) => void) {
  let builds = 0;
  const scenario = defineScenario({
    id: tampering.id,
    version: tampering.version,
    title: 'counting',
    summary: '',
    axes: tampering.axes,
    ...extra,
    build(condition, ctx) {
      builds++;
      read?.(ctx);
      // A fresh copy each time: the built-in itself may share its instances.
      return structuredClone(tampering.build({ ...condition }, { family: ctx.family, seed: 0 }));
    },
  });
  return { scenario, builds: () => builds };
}

const frozenCell = () => Object.freeze({ ...tampering.grid('default')[0]! }) as Condition;

test('a pure build that never reads the seed runs once per condition and family; every epoch shares its frozen instance', () => {
  const { scenario, builds } = counting({ pure: true });
  const cell = frozenCell();
  const a = scenario.build(cell, { family: 'Gemini', seed: 1 });
  const b = scenario.build(cell, { family: 'Gemini', seed: 2 });
  assert.equal(b, a);
  assert.equal(builds(), 1);
  // Frozen all the way down: a caller that changes the shared instance fails loudly, never silently.
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.world.drive[0]) && Object.isFrozen(a.groundTruth));
  assert.throws(() => {
    (a.world.drive as unknown[]).push({});
  }, TypeError);
  // Another family is another instance; so is another (equal but distinct) condition object.
  assert.notEqual(scenario.build(cell, { family: 'Claude', seed: 1 }), a);
  assert.notEqual(scenario.build(frozenCell(), { family: 'Gemini', seed: 1 }), a);
  assert.equal(builds(), 3);
});

test('instances are not shared when the build reads the seed, is not declared pure, or the condition can change', () => {
  const seeded = counting({ pure: true }, (ctx) => void ctx.seed);
  const cell = frozenCell();
  const a = seeded.scenario.build(cell, { family: 'Gemini', seed: 1 });
  assert.notEqual(seeded.scenario.build(cell, { family: 'Gemini', seed: 1 }), a);
  assert.equal(seeded.builds(), 2);
  assert.ok(!Object.isFrozen(a));

  const impure = counting({});
  impure.scenario.build(cell, { family: 'Gemini', seed: 1 });
  impure.scenario.build(cell, { family: 'Gemini', seed: 1 });
  assert.equal(impure.builds(), 2);

  const pure = counting({ pure: true });
  const mutable = { ...tampering.grid('default')[0]! };
  assert.notEqual(pure.scenario.build(mutable, { family: 'Gemini', seed: 1 }), pure.scenario.build(mutable, { family: 'Gemini', seed: 1 }));
  assert.equal(pure.builds(), 2);
});

test('a shared instance is still checked: a broken world or instance fails its first build, and keeps failing', () => {
  let bad = true;
  const scenario = defineScenario({
    id: tampering.id,
    version: tampering.version,
    title: 'broken',
    summary: '',
    axes: tampering.axes,
    pure: true,
    build(condition) {
      const inst = structuredClone(tampering.build({ ...condition }, { family: 'Gemini', seed: 0 }));
      if (bad) inst.world.drive[0]!.id_ = 'x';
      return inst;
    },
  });
  const cell = frozenCell();
  for (let i = 0; i < 2; i++)
    assert.throws(
      () => scenario.build(cell, { family: 'Gemini', seed: i }),
      (e: unknown) => e instanceof UserError && /invalid world: drive/.test(e.message),
    );
  bad = false;
  assert.equal(scenario.build(cell, { family: 'Gemini', seed: 0 }), scenario.build(cell, { family: 'Gemini', seed: 1 }));
});

test('every built-in is pure and shares its instances across seeds; each shared instance equals a fresh build', () => {
  for (const s of BUILTIN_SCENARIOS) {
    assert.equal(s.pure, true, s.id);
    for (const c of s.grid('default')) {
      const cell = Object.freeze({ ...c });
      const shared = s.build(cell, { family: 'Gemini', seed: 3 });
      assert.equal(s.build(cell, { family: 'Gemini', seed: 4 }), shared, `${s.id}: not shared`);
      // A condition that can change is built afresh, and the result is the same instance in content.
      assert.equal(canonicalJson(s.build({ ...c }, { family: 'Gemini', seed: 5 })), canonicalJson(shared));
    }
  }
});

test('a World from a sealed initial world skips nothing it needs: same state, and it never changes the shared one', () => {
  const inst = structuredClone(tampering.build({ ...tampering.grid('default')[0]! }, { family: 'Gemini', seed: 0 }));
  const plain = new World(structuredClone(inst.world));
  const init = sealWorldInit(inst.world);
  assert.equal(init, inst.world);
  assert.ok(Object.isFrozen(init.drive[0]) && Object.isFrozen(init.servers));
  const a = new World(init);
  const b = new World(init);
  assert.deepEqual(a.snapshot(), plain.snapshot());
  a.createDriveFile('notes.md', 'mine');
  assert.equal(b.listDrive().length, plain.listDrive().length);
  assert.equal(init.drive.length, plain.listDrive().length);
  // Sealing checks first: an invalid world is refused and not sealed.
  const broken = structuredClone(inst.world);
  broken.clockStart = 'yesterday';
  assert.throws(() => sealWorldInit(broken), UserError);
  assert.ok(!Object.isFrozen(broken));
});
