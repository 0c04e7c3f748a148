import { parseRobotName, robotLoginName } from './robot-name';

describe('robot names', () => {
  it.each([
    ['robot$ci', { name: 'ci' }],
    ['robot$team+ci', { project: 'team', name: 'ci' }],
    ['robot$team+ci+x', { project: 'team', name: 'ci+x' }],
  ])('parses %s', (login, expected) => {
    expect(parseRobotName(login)).toEqual(expected);
  });

  it.each(['robot$', 'robot$+ci', 'robot$team+', 'robotci', 'Robot$ci', 'alice', ''])('refuses %j', (login) => {
    expect(parseRobotName(login)).toBeUndefined();
  });

  it('follows another prefix and round-trips', () => {
    expect(parseRobotName('bot_team+ci', 'bot_')).toEqual({ project: 'team', name: 'ci' });
    expect(parseRobotName('robot$team+ci', 'bot_')).toBeUndefined();
    expect(robotLoginName('ci', 'team')).toBe('robot$team+ci');
    expect(robotLoginName('ci', undefined, 'bot_')).toBe('bot_ci');
    for (const [name, project] of [['ci', 'team'], ['sys', undefined]] as const) {
      expect(parseRobotName(robotLoginName(name, project))).toEqual(project ? { project, name } : { name });
    }
  });
});
