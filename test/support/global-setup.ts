import { execFileSync } from 'node:child_process';

// The CLI tests run the real `riskgate` bin, which loads the compiled build/.
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
