/**
 * The extension's notifications. Every message goes through plainText (./plain-text.ts) because
 * most carry text from the workspace or a child process (run ids, dataset names, error messages);
 * the buttons are ours. Use these instead of vscode.window.show*Message.
 */
import * as vscode from 'vscode';
import { plainText } from './plain-text';

export function showInfo(message: string, ...items: string[]): Thenable<string | undefined> {
  return vscode.window.showInformationMessage(plainText(message), ...items);
}

export function showWarning(message: string, ...items: string[]): Thenable<string | undefined> {
  return vscode.window.showWarningMessage(plainText(message), ...items);
}

/** A modal warning (a confirmation); the same sanitizing. */
export function confirmWarning(message: string, ...items: string[]): Thenable<string | undefined> {
  return vscode.window.showWarningMessage(plainText(message), { modal: true }, ...items);
}

export function showError(message: string, ...items: string[]): Thenable<string | undefined> {
  return vscode.window.showErrorMessage(plainText(message), ...items);
}
