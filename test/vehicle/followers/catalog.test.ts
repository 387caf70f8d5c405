import t from 'tap';
import { readFileSync } from 'node:fs';
import { schemaPath } from '../../../lib/config/paths.js';
import { createFollower, followerConfigProblems, IMPLEMENTED_PROFILES, PROFILES, requireProfile } from '../../../lib/vehicle/followers/catalog.js';
import { VehicleError } from '../../../lib/vehicle/vehicle-error.js';
import { testConfig } from '../vehicle-fixtures.js';

const ORIGINAL = ['mc_velocity_ground', 'mc_velocity_distance', 'mc_velocity_position', 'mc_velocity_chase', 'gm_pid_pursuit',
  'gm_velocity_vector', 'fw_attitude_rate', 'mc_velocity', 'mc_attitude_rate'];

t.test('lists every profile of the original, the four implemented ones as such', async (t) => {
  t.same(PROFILES.map((p) => p.name), ORIGINAL);
  t.same([...IMPLEMENTED_PROFILES].sort(), ['mc_attitude_rate', 'mc_velocity_chase', 'mc_velocity_ground', 'mc_velocity_position']);
  for (const p of PROFILES) {
    t.ok(p.description.length > 10 && p.loss_behaviour.length > 10, `${p.name} is described`);
    if (p.implemented) t.notOk(p.loss_behaviour.startsWith('not implemented'), `${p.name} has a loss behaviour`);
    else t.match(p.loss_behaviour, /^not implemented: /);
  }
});

t.test('the schema offers exactly the implemented profiles', async (t) => {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  t.same(schema.properties.follower.properties.profile.enum, IMPLEMENTED_PROFILES);
  t.same(Object.keys(schema.properties.follower.properties.profiles.properties), IMPLEMENTED_PROFILES);
});

t.test('unknown and unimplemented names are refused with the valid ones', async (t) => {
  t.throws(() => requireProfile('nope'), { code: 'SKYFEED_ERR_UNKNOWN_PROFILE', message: /valid: mc_velocity_ground, / });
  t.throws(() => requireProfile('gm_pid_pursuit'), { code: 'SKYFEED_ERR_PROFILE_NOT_IMPLEMENTED', message: /needs gimbal angles.*implemented: mc_velocity_ground/ });
  t.equal(requireProfile('MC_Velocity_Chase').name, 'mc_velocity_chase', 'case-insensitive');
  t.ok(createFollower('mc_attitude_rate', testConfig()).controlType === 'attitude_rate');
  t.throws(() => createFollower('fw_attitude_rate', testConfig()), VehicleError);
});

t.test('config problems: looser profile limits, loss timelines out of order', async (t) => {
  t.same(followerConfigProblems(testConfig()), []);
  const p = followerConfigProblems(testConfig({
    follower: { profiles: { mc_velocity_chase: { limits: { max_yaw_rate_deg_s: 90 }, loss: { hold_s: 20, action_after_s: 12 } } } },
  }));
  t.match(p.join('\n'), /follower\.profiles\.mc_velocity_chase\.limits\.max_yaw_rate_deg_s: value 90 is looser/);
  t.match(p.join('\n'), /mc_velocity_chase: action_after_s \(12\) must be >= hold_s \(20\)/);
});
