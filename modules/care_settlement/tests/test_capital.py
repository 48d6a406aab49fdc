# This file is part of 莘情照护.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Amounts in Chinese capitals (大写金额) by the 《支付结算办法》 rules: the
examples of 正确填写票据和结算凭证的基本规定, the zeros, 整, the limits."""
import random
import unittest
from decimal import Decimal

from trytond.modules.care_settlement.capital import LIMIT, capital_amount

CASES = [
    # Zero and the units alone
    ('0', '零元整'),
    ('0.00', '零元整'),
    ('1.00', '壹元整'),
    ('10', '壹拾元整'),
    ('15', '壹拾伍元整'),
    ('100', '壹佰元整'),
    ('1000000', '壹佰万元整'),
    ('100000.00', '壹拾万元整'),
    ('100000000.00', '壹亿元整'),
    # Zeros inside: one 零 for a run
    ('101.00', '壹佰零壹元整'),
    ('110.00', '壹佰壹拾元整'),
    ('1010.00', '壹仟零壹拾元整'),
    ('1001.01', '壹仟零壹元零壹分'),
    ('100001.00', '壹拾万零壹元整'),
    ('100010.00', '壹拾万零壹拾元整'),
    ('100000001', '壹亿零壹元整'),
    ('100700000', '壹亿零柒拾万元整'),
    ('1000700000', '壹拾亿零柒拾万元整'),
    ('1050000', '壹佰零伍万元整'),
    ('20304050', '贰仟零叁拾万肆仟零伍拾元整'),
    # The zero a 万 or 元 stands on is not written
    ('107000.53', '壹拾万柒仟元伍角叁分'),
    ('1680.32', '壹仟陆佰捌拾元叁角贰分'),
    ('10000.10', '壹万元壹角整'),
    ('110000', '壹拾壹万元整'),
    # 角 and 分: 整 after 元 or 角, 零 before 分 after yuan
    ('12345.67', '壹万贰仟叁佰肆拾伍元陆角柒分'),
    ('10.50', '壹拾元伍角整'),
    ('1409.50', '壹仟肆佰零玖元伍角整'),
    ('6007.14', '陆仟零柒元壹角肆分'),
    ('16409.02', '壹万陆仟肆佰零玖元零贰分'),
    ('325.04', '叁佰贰拾伍元零肆分'),
    ('0.05', '伍分'),
    ('0.50', '伍角整'),
    ('0.55', '伍角伍分'),
    ('0.01', '壹分'),
    ('0.1', '壹角整'),
    # 亿 and 万亿
    ('1234567890.12', '壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分'),
    ('10000000000000', '壹拾万亿元整'),
    ('1000000000000', '壹万亿元整'),
    ('1000000000001', '壹万亿零壹元整'),
    ('12345000000000', '壹拾贰万叁仟肆佰伍拾亿元整'),
    ('10010000000000', '壹拾万零壹佰亿元整'),
    ('9999999999999999.99', (
            '玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元'
            '玖角玖分')),
    ]


class CapitalAmountTestCase(unittest.TestCase):
    "Amounts in capitals"

    def test_cases(self):
        "The examples of the rules and the tricky zeros"
        for amount, text in CASES:
            with self.subTest(amount=amount):
                self.assertEqual(capital_amount(Decimal(amount)), text)

    def test_int(self):
        "An int is an amount of yuan"
        self.assertEqual(capital_amount(1001), '壹仟零壹元整')
        self.assertEqual(capital_amount(0), '零元整')

    def test_trailing_zeros(self):
        "More decimal places than cents are fine when they are zeros"
        self.assertEqual(capital_amount(Decimal('10.5000')), '壹拾元伍角整')
        self.assertEqual(capital_amount(Decimal('1E+2')), '壹佰元整')

    def test_negative(self):
        "A negative amount is refused, a negative zero is zero"
        for amount in ['-0.01', '-1', '-12345.67']:
            with self.subTest(amount=amount), self.assertRaises(ValueError):
                capital_amount(Decimal(amount))
        self.assertEqual(capital_amount(Decimal('-0.00')), '零元整')

    def test_refused(self):
        "Fractions of a cent, too large, not finite, floats"
        for amount in ['0.001', '12.345', '1E+16', '10000000000000000',
                'NaN', 'Infinity']:
            with self.subTest(amount=amount), self.assertRaises(ValueError):
                capital_amount(Decimal(amount))
        with self.assertRaises(TypeError):
            capital_amount(12.5)
        with self.assertRaises(TypeError):
            capital_amount('12.50')

    def test_shape(self):
        """Over many amounts: the text ends with 分 or 整, never doubles a
        零, never writes 零 before a unit, and spells each non-zero digit"""
        rng = random.Random(20250301)
        amounts = [Decimal(rng.randrange(0, 10 ** rng.randint(1, 18)))
            / 100 for _ in range(5000)]
        amounts += [Decimal(n) for n in range(0, 100001, 7)]
        for amount in amounts:
            if amount >= LIMIT:
                continue
            text = capital_amount(amount)
            with self.subTest(amount=amount):
                self.assertTrue(text.endswith(('分', '整')), text)
                self.assertNotIn('零零', text)
                for unit in '拾佰仟万亿元角分整':
                    self.assertNotIn('零' + unit, text.replace('零元整', ''))
                self.assertEqual(text.startswith('零'), amount == 0)
                self.assertEqual('元' in text, amount >= 1 or amount == 0)
                digits = sum(1 for d in f'{amount:.2f}' if d in '123456789')
                self.assertEqual(
                    sum(1 for c in text if c in '壹贰叁肆伍陆柒捌玖'), digits)
                self.assertEqual('分' in text, f'{amount:.2f}'[-1] != '0')
