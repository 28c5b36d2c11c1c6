// English texts as published by BankID; the last four are IDBridge's own.
import type { RfaTexts } from './keys.js';

const searching = 'Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don\'t have a BankID which can be used for this {op}';
const getOne = 'If you don\'t have a BankID you can get one from your bank.';
const card = 'If you have a BankID card, please insert it into your card reader.';
const other = 'If you have a BankID on another device you can start the BankID app on that device.';
const install = 'Install the app from your app store or https://install.bankid.com.';

export const en: RfaTexts = {
  op: { authenticate: 'identification', sign: 'signing' },
  texts: {
    RFA1: 'Start your BankID app.',
    RFA2: 'The BankID app is not installed. Please contact your internet bank.',
    RFA3: 'Action cancelled. Please try again.',
    RFA4: 'An identification or signing for this personal number is already started. Please try again.',
    RFA5: 'Internal error. Please try again.',
    RFA6: 'Action cancelled.',
    RFA8: 'The BankID app is not responding. Please check that it is started and that you have internet access. If you don\'t have a valid BankID you can get one from your bank. Try again.',
    RFA9: 'Enter your security code in the BankID app and select Identify or Sign.',
    RFA13: 'Trying to start your BankID app.',
    RFA14A: `${searching} on this computer. ${card} ${getOne} ${other}`,
    RFA14B: `${searching} on this device. ${getOne} ${other}`,
    RFA15A: `${searching} on this computer. ${card} ${getOne}`,
    RFA15B: `${searching} on this device. ${getOne}`,
    RFA16: 'The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.',
    RFA17A: `The BankID app couldn't be found on your computer or mobile device. Please install it and get a BankID from your bank. ${install}`,
    RFA17B: `Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to date. If you don't have the BankID app, you need to install it and get a BankID from your bank. ${install}`,
    RFA18: 'Start the BankID app',
    RFA19: 'Would you like to identify yourself or sign with a BankID on this computer, or with a Mobile BankID?',
    RFA20: 'Would you like to identify yourself or sign with a BankID on this device or with a BankID on another device?',
    RFA21: 'Identification or signing in progress.',
    RFA22: 'Unknown error. Please try again.',
    RFA23: 'Process your machine-readable travel document using the BankID app.',
    callConfirm: 'Confirm in the BankID app that you are on a call with us.',
    declinedCall: 'You stated in the BankID app that you are not on a call with us. The action was cancelled.',
    appTooOld: 'Your BankID app needs to be updated. Update it and try again.',
    ipMismatch: 'The {op} was completed on another device than the one that started it. Please try again.',
  },
};
