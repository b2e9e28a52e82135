-- Why a payment was reversed (the bank returned the transfer, the wrong
-- household was paid…). A reversal must say why, so the ledger can show it;
-- the original payment and payments made before this column existed keep ''.

ALTER TABLE payments ADD COLUMN reason TEXT NOT NULL DEFAULT '';
