// One source file per supported language with a 200-line function in the middle of other code:
// the tests change one line inside it and expect the whole function as context.

export interface LanguageFixture {
  language: string;
  path: string;
  /** The file at the base. */
  text: string;
  /** The same file with one line inside the long function changed. */
  changed: string;
  /** The long function's first and last line (1-based) at the head. */
  start: number;
  end: number;
  /** The line the change is on. */
  changedLine: number;
  /** Text that must not be in the function's block: the code around it. */
  outside: string[];
}

export const FUNCTION_LINES = 200;

interface Template {
  language: string;
  path: string;
  prelude: string[];
  before: string[];
  signature: string;
  body: (i: number) => string;
  tail: string[];
  after: string[];
  epilogue?: string[];
}

function build(t: Template): LanguageFixture {
  const bodyLines = FUNCTION_LINES - 1 - t.tail.length;
  const fn = [t.signature, ...Array.from({ length: bodyLines }, (_, i) => t.body(i + 1)), ...t.tail];
  const lines = [...t.prelude, ...t.before, ...fn, ...t.after, ...(t.epilogue ?? [])];
  const start = t.prelude.length + t.before.length + 1;
  const changedLine = start + 100;
  const changedLines = [...lines];
  changedLines[changedLine - 1] = changedLines[changedLine - 1]!.replace(/\b100\b/, '1000');
  if (changedLines[changedLine - 1] === lines[changedLine - 1]) throw new Error(`${t.language}: the fixture's changed line did not change`);
  return {
    language: t.language,
    path: t.path,
    text: `${lines.join('\n')}\n`,
    changed: `${changedLines.join('\n')}\n`,
    start,
    end: start + FUNCTION_LINES - 1,
    changedLine,
    outside: ['beforeHelper', 'afterHelper'],
  };
}

export const FIXTURES: LanguageFixture[] = [
  build({
    language: 'TypeScript',
    path: 'src/calc.ts',
    prelude: ["import { readFileSync } from 'node:fs';", ''],
    before: ['export function beforeHelper(): number {', '  return 1;', '}', ''],
    signature: 'export function target(x: number): number {',
    body: (i) => `  x = x + ${i};`,
    tail: ['  return x;', '}'],
    after: ['', 'export const afterHelper = (y: number): number => y * 2;', 'export { readFileSync };'],
  }),
  build({
    language: 'TSX',
    path: 'src/view.tsx',
    prelude: ["import React from 'react';", ''],
    before: ['export function beforeHelper() {', '  return <div>before</div>;', '}', ''],
    signature: 'export function target(x: number): number {',
    body: (i) => `  x = x + ${i};`,
    tail: ['  return x;', '}'],
    after: ['', 'export function afterHelper() {', '  return <span>after</span>;', '}'],
  }),
  build({
    language: 'JavaScript',
    path: 'lib/calc.js',
    prelude: ["'use strict';", ''],
    before: ['function beforeHelper() {', '  return 1;', '}', ''],
    signature: 'function target(x) {',
    body: (i) => `  x = x + ${i};`,
    tail: ['  return x;', '}'],
    after: ['', 'function afterHelper(y) {', '  return y * 2;', '}', 'module.exports = { target, beforeHelper, afterHelper };'],
  }),
  build({
    language: 'Python',
    path: 'pkg/calc.py',
    prelude: ['import os', ''],
    before: ['def beforeHelper():', '    return 1', '', ''],
    signature: 'def target(x):',
    body: (i) => `    x = x + ${i}`,
    tail: ['    return x'],
    after: ['', '', 'def afterHelper(y):', '    return y * 2'],
  }),
  build({
    language: 'Go',
    path: 'calc/calc.go',
    prelude: ['package calc', ''],
    before: ['func beforeHelper() int {', '\treturn 1', '}', ''],
    signature: 'func Target(x int) int {',
    body: (i) => `\tx = x + ${i}`,
    tail: ['\treturn x', '}'],
    after: ['', 'func afterHelper(y int) int {', '\treturn y * 2', '}'],
  }),
  build({
    language: 'Java',
    path: 'src/main/java/calc/Calc.java',
    prelude: ['package calc;', '', 'public class Calc {'],
    before: ['    public static int beforeHelper() {', '        return 1;', '    }', ''],
    signature: '    public static int target(int x) {',
    body: (i) => `        x = x + ${i};`,
    tail: ['        return x;', '    }'],
    after: ['', '    public static int afterHelper(int y) {', '        return y * 2;', '    }'],
    epilogue: ['}'],
  }),
  build({
    language: 'Ruby',
    path: 'lib/calc.rb',
    prelude: ['module Calc'],
    before: ['  def self.beforeHelper', '    1', '  end', ''],
    signature: '  def self.target(x)',
    body: (i) => `    x = x + ${i}`,
    tail: ['    x', '  end'],
    after: ['', '  def self.afterHelper(y)', '    y * 2', '  end'],
    epilogue: ['end'],
  }),
  build({
    language: 'Rust',
    path: 'src/calc.rs',
    prelude: ['use std::fmt;', ''],
    before: ['pub fn beforeHelper() -> i64 {', '    1', '}', ''],
    signature: 'pub fn target(mut x: i64) -> i64 {',
    body: (i) => `    x = x + ${i};`,
    tail: ['    x', '}'],
    after: ['', 'pub fn afterHelper(y: i64) -> i64 {', '    y * 2', '}'],
  }),
  build({
    language: 'C',
    path: 'src/calc.c',
    prelude: ['#include <stdio.h>', ''],
    before: ['static int beforeHelper(void) {', '  return 1;', '}', ''],
    signature: 'int target(int x) {',
    body: (i) => `  x = x + ${i};`,
    tail: ['  return x;', '}'],
    after: ['', 'int afterHelper(int y) {', '  return y * 2;', '}'],
  }),
  build({
    language: 'C++',
    path: 'src/calc.cpp',
    prelude: ['#include <vector>', '', 'namespace calc {', ''],
    before: ['int beforeHelper() {', '  return 1;', '}', ''],
    signature: 'int target(int x) {',
    body: (i) => `  x = x + ${i};`,
    tail: ['  return x;', '}'],
    after: ['', 'int afterHelper(int y) {', '  return y * 2;', '}'],
    epilogue: ['', '}  // namespace calc'],
  }),
  build({
    language: 'C#',
    path: 'src/Calc.cs',
    prelude: ['using System;', '', 'namespace Calc', '{', '    public static class Calculator', '    {'],
    before: ['        public static int beforeHelper()', '        {', '            return 1;', '        }', ''],
    signature: '        public static int Target(int x) {',
    body: (i) => `            x = x + ${i};`,
    tail: ['            return x;', '        }'],
    after: ['', '        public static int afterHelper(int y)', '        {', '            return y * 2;', '        }'],
    epilogue: ['    }', '}'],
  }),
  build({
    language: 'PHP',
    path: 'src/calc.php',
    prelude: ['<?php', ''],
    before: ['function beforeHelper() {', '    return 1;', '}', ''],
    signature: 'function target($x) {',
    body: (i) => `    $x = $x + ${i};`,
    tail: ['    return $x;', '}'],
    after: ['', 'function afterHelper($y) {', '    return $y * 2;', '}'],
  }),
];
