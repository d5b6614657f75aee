package warranty

import (
	"strings"
)

// The requisites of a partner (the legal entity or sole trader that signs the agency
// agreement) are checked here by their control digits, so that a typo is caught when
// the partner is registered rather than when the first payment bounces. Each validator
// takes the value as stored, digits only — the caller trims — and returns a violation
// on the field named after the requisite ("inn", "kpp", "ogrn", "bik", "bank_account").

// ValidateINN checks a taxpayer number: 10 digits for an organisation, 12 for a sole
// trader or an individual, with the control digits of the Federal Tax Service
// algorithm (weighted sums mod 11 mod 10). The first two digits are the tax office's
// region and are never 00.
func ValidateINN(s string) *Violation {
	const field = "inn"
	if s == "" {
		return violation(field, CodeRequired)
	}
	if !allDigits(s) || (len(s) != 10 && len(s) != 12) {
		return violation(field, CodeINNFormat)
	}
	if strings.HasPrefix(s, "00") {
		return violation(field, CodeINNRegion)
	}
	if !innChecksumOK(s) {
		return violation(field, CodeINNChecksum)
	}
	return nil
}

var (
	innWeights10 = []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	innWeights11 = []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
	innWeights12 = []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
)

// innChecksumOK verifies the control digit(s) of a 10- or 12-digit INN.
func innChecksumOK(s string) bool {
	if len(s) == 10 {
		return innControlDigit(s, innWeights10) == s[9]
	}
	return innControlDigit(s, innWeights11) == s[10] && innControlDigit(s, innWeights12) == s[11]
}

// innControlDigit is the FTS control digit: the weighted sum of the leading digits,
// mod 11, mod 10.
func innControlDigit(s string, weights []int) byte {
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	return byte('0' + sum%11%10)
}

// ValidateKPP checks the format of a tax registration reason code: 9 characters, the
// tax office (4 digits), the reason (2 digits or capital Latin letters, allowed since
// 2013) and a sequence number (3 digits). A KPP has no control digit.
func ValidateKPP(s string) *Violation {
	const field = "kpp"
	if s == "" {
		return violation(field, CodeRequired)
	}
	if len(s) != 9 || !allDigits(s[:4]) || !allDigits(s[6:]) {
		return violation(field, CodeKPPFormat)
	}
	for _, c := range []byte(s[4:6]) {
		if !(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') {
			return violation(field, CodeKPPFormat)
		}
	}
	return nil
}

// ValidateOGRN checks a primary state registration number: 13 digits starting with 1
// or 5 for an organisation (OGRN), whose last digit is the first 12 mod 11 mod 10, or
// 15 digits starting with 3 for a sole trader (OGRNIP), whose last digit is the first
// 14 mod 13 mod 10.
func ValidateOGRN(s string) *Violation {
	const field = "ogrn"
	if s == "" {
		return violation(field, CodeRequired)
	}
	var modulus int64
	switch {
	case !allDigits(s):
		return violation(field, CodeOGRNFormat)
	case len(s) == 13 && (s[0] == '1' || s[0] == '5'):
		modulus = 11
	case len(s) == 15 && s[0] == '3':
		modulus = 13
	default:
		return violation(field, CodeOGRNFormat)
	}
	var number int64 // at most 14 digits: fits in int64
	for _, c := range []byte(s[:len(s)-1]) {
		number = number*10 + int64(c-'0')
	}
	if byte('0'+number%modulus%10) != s[len(s)-1] {
		return violation(field, CodeOGRNChecksum)
	}
	return nil
}

// ValidateBIK checks a Russian bank identification code: 9 digits starting with 04,
// the country code of Russia in the Bank of Russia's directory.
func ValidateBIK(s string) *Violation {
	const field = "bik"
	if s == "" {
		return violation(field, CodeRequired)
	}
	if len(s) != 9 || !allDigits(s) || !strings.HasPrefix(s, "04") {
		return violation(field, CodeBIKFormat)
	}
	return nil
}

// ValidateBankAccount checks a 20-digit account number against its bank's BIK by the
// Bank of Russia's control-key algorithm: a conditional bank number followed by the
// account, 23 digits, weighted 7, 1, 3 repeating, must sum to a multiple of 10. The
// conditional number is the last three digits of the BIK for an account held at a
// credit organisation, or "0" and the BIK's 5th–6th digits for a bank's
// correspondent account (301…) held at the Bank of Russia. An invalid BIK is reported
// on "bik"; everything else on "bank_account".
func ValidateBankAccount(bik, account string) *Violation {
	const field = "bank_account"
	if v := ValidateBIK(bik); v != nil {
		return v
	}
	if account == "" {
		return violation(field, CodeRequired)
	}
	if len(account) != 20 || !allDigits(account) {
		return violation(field, CodeAccountFormat)
	}
	bank := bik[6:9]
	if strings.HasPrefix(account, "301") {
		bank = "0" + bik[4:6]
	}
	sum := 0
	for i, c := range []byte(bank + account) {
		sum += int(c-'0') * [3]int{7, 1, 3}[i%3]
	}
	if sum%10 != 0 {
		return violation(field, CodeAccountChecksum)
	}
	return nil
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
