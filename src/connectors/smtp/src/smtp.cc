#include "fondaco/smtp/smtp.h"
