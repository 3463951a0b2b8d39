// nn — layers, containers and initialisation, named as in torch.nn.

export { Module } from './module.js';
export type { ForwardHook, HookHandle } from './module.js';
export { Parameter } from './parameter.js';
export { Conv1d, Conv2d } from './conv.js';
export type { ConvLayerOptions } from './conv.js';
export * as init from './init.js';
export * as functional from './functional.js';
