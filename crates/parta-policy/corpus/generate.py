#!/usr/bin/env python3
"""Builds ethics.tsv: the labelled corpus for parta-policy's ethics detector.

Run once and commit the output; the test reads the TSV, not this script. Sentences are written
by hand; disguised variants of the offensive ones are made by random transforms people use
(look-alike letters, spaces, dots, asterisks, repeated letters, mixed case, transliteration).
The seed is fixed so the file is reproducible.
"""
import random

random.seed(20261124)

CLEAN = """Добрый вечер! Завтра родительское собрание в 18:00, кабинет 214.
Напоминаю: в пятницу фотографирование класса, форма парадная.
Дети вернутся с экскурсии около 13:00.
Домашнее задание по математике: № 245, 247 и 250 на странице 61.
Спасибо, Анна Сергеевна, всё получили.
Подскажите, пожалуйста, когда контрольная по алгебре?
Контрольная во вторник, темы: линейные уравнения и их системы.
Максим хочет участвовать в олимпиаде.
Олимпиада по математике в субботу в 10:00.
С 1 декабря уроки физкультуры проходят в новом спортзале.
Форма спортивная, обувь со светлой подошвой.
Раздевалки открыты, шкафчики закреплены за классами.
Даша сегодня не придёт, у неё температура.
Выздоравливайте! Задание пришлю вечером.
Можно забрать ребёнка после четвёртого урока?
Да, конечно, предупредите дежурного учителя.
Коллеги, до пятницы выставляем оценки за четверть.
Педсовет переносится на среду, 15:30, актовый зал.
Кто брал проектор из 214-го кабинета?
Принято, подготовлю отчёт по адаптации пятиклассников.
Уважаемые родители, сдаём деньги на экскурсию до понедельника.
Сумма — 800 рублей, можно перевести классному руководителю.
В четверг будет родительский комитет, приглашаются все желающие.
Напоминаю про сменную обувь, без неё в школу не пускают.
Библиотека работает до 17:00, учебники можно сдать завтра.
Отличная работа на конкурсе чтецов, поздравляем ребят!
Спасибо всем родителям за помощь с субботником.
Пожалуйста, проверьте дневники и распишитесь.
Завтра уроки по расписанию, первый урок — русский язык.
Из-за морозов занятия для начальной школы отменены.
Кружок робототехники начнётся с пятнадцатого числа.
Прошу прислать согласия на обработку персональных данных.
Ссылка на онлайн-урок появится за десять минут до начала.
Запись урока возможна только с согласия всех участников.
Уточните, пожалуйста, размер спортивной формы.
Мы получили ваше письмо, ответим до конца недели.
Ребята молодцы, весь класс сдал нормы ГТО.
В столовой меняется меню, подробности в объявлении.
Не забудьте принести поделки на выставку.
Лагерь на каникулах: запись до двадцатого числа.
Thank you for the update, we will be there at six.
Please send the signed consent form by Friday.
The parents' meeting is moved to Thursday evening.
Could you remind me of the homework for tomorrow?
Great job at the science fair, everyone!
The school trip leaves at 8:45 from the main entrance.
Please check the timetable for next week.
My son is ill today and will stay at home.
We are looking forward to the concert.
The library closes at five on Fridays.""".split("\n")

HARD_CLEAN = """Потребитель имеет право вернуть товар.
Оскорблять одноклассников нельзя, об этом говорили на классном часе.
Страхуй товарища на скалодроме, так сказал тренер.
Суп надо не хлебать, а есть ложкой аккуратно.
Стоимость — двести рублей, сдача с рубля не нужна.
Модель корабля заняла первое место.
Ребята, не забудьте тетради.
Небо сегодня ясное, прогулка состоится.
Возьмите с собой воду и что-нибудь себе перекусить.
Колебаться не нужно, записывайтесь в кружок.
Употреблять сладкое перед обедом не стоит.
На форме должна быть бляха с эмблемой школы.
Ребёнок потерял бляшку от ремня.
Учебник по физике про жидкость и газ.
Хохлома — народный промысел, урок ИЗО в среду.
Сукно для костюмов купили в магазине тканей.
Мандарины на новогодние подарки закупит родительский комитет.
Тупой угол больше девяноста градусов.
Глеб сегодня дежурный по классу.
Вебинар для родителей начнётся в семь вечера.
Мы застрахуем детей на время поездки.
Ребятам понравился спектакль.
Погребальные обряды древних египтян — тема доклада.
Требования к оформлению проекта в приложении.
Колебания маятника изучаем на физике.
Отребье — устаревшее слово, обсуждали на уроке литературы.
Хлебобулочные изделия в столовой свежие.
Неблагоприятная погода, прогулку переносим.
Небольшое изменение в расписании на пятницу.
Себестоимость поделок посчитаем на уроке технологии.
Колебались между театром и музеем, выбрали музей.
Загребать листья будем на субботнике.
Зебу — порода скота, тема доклада по биологии.
Лебедь — символ верности, читаем сказку.
Полковник Хлебников выступит на классном часе.
Бляха-муха, опять забыл сменку! — сказал Петя в пьесе.
Чертёжник рисует тупой угол и острый.
Страхование детей от несчастных случаев добровольное.
Учитель подстраховал ученика на брусьях.
Команда «Скунс» заняла второе место.
Scunthorpe is a town in England.
The cocktail party for teachers is on Friday.
Our assistant will help with the paperwork.
We read Dickens in the English class.
Please pass the classic novel to your neighbour.
The cockpit of the plane was shown at the museum.
Sussex is a county in England.
The shiitake mushrooms were used in the cooking class.
Hue and saturation are topics of the art lesson.
The eBay listing for the old desks is online.
Our ebook library is free for students.
Ebony and ivory keys of the piano.
Herr Müller teaches German.
Хереса и Херсонеса нет в программе, это другая эпоха.
Себастьян приехал по обмену из Испании.
Хуан из Испании учится в нашем классе.
Мудрый совет директора помог решить вопрос.
Мудрость народа в пословицах — тема урока.
Лохматый щенок живёт в живом уголке.
Козлёнок родился в контактном зоопарке.
Урожай на пришкольном участке хороший.
Даунхилл — вид велоспорта, в школе его нет.
Шерлок Холмс — любимый герой класса.
Кабинет биологии: сучок с листьями для гербария.
Чуркин — фамилия известного дипломата.
Дебаты о правах ребёнка пройдут в пятницу.
Идиома — устойчивое выражение, урок русского языка.
Урок о дебетовых картах для старшеклассников.""".split("\n")

# (label, sentence with {w} slot, words for the slot)
OFFENSIVE_WORDS = {
    "obscene": ["хуй", "нахуй", "похуй", "охуел", "пиздец", "пизда", "распиздяй", "спиздил",
                "блядь", "блять", "бля", "выблядок", "заебал", "ебать", "ебаный", "уебан",
                "мудак", "залупа", "гандон", "шлюха", "говно", "жопа", "сука", "сучка",
                "херня", "пидор", "ебало", "долбоёб", "хуёво", "отъебись"],
    "insult": ["идиот", "дебил", "кретин", "придурок", "ублюдок", "мразь", "тварь", "урод",
               "дура", "дурак", "чмо", "скотина", "быдло", "дегенерат", "имбецил", "тупица"],
    "discrimination": ["чурка", "хач", "жид", "черножопый", "узкоглазый", "хохол", "нерусь"],
}
ENGLISH_WORDS = {
    "obscene": ["fuck", "fucking", "shit", "bullshit", "bitch", "asshole", "cunt", "motherfucker"],
    "insult": ["idiot", "moron", "dumbass"],
    "discrimination": ["faggot", "retard"],
}
TEMPLATES_RU = [
    "Ну ты и {w}, честное слово.",
    "{w}, опять задали столько на дом!",
    "Учитель сказал, что это {w}, представляете?",
    "Да идите вы все, {w}.",
    "Этот ваш родительский чат — {w}.",
]
TEMPLATES_EN = ["You are such a {w}.", "This homework is {w}, honestly.", "What a {w} teacher."]

LOOK = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "к": "k",
        "м": "m", "т": "t", "в": "B", "н": "H", "з": "3", "б": "6", "ч": "4"}
TRANSLIT = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
            "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
            "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
            "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "'", "э": "e", "ю": "yu",
            "я": "ya"}


def lookalike(w):
    return "".join(LOOK.get(c, c) if random.random() < 0.6 else c for c in w)


def spaced(w):
    return " ".join(w)


def dotted(w):
    return ".".join(w)


def starred(w):
    if len(w) < 4:
        return w[0] + "*" + w[2:]
    i = random.randint(1, len(w) - 2)
    n = random.randint(1, max(1, len(w) - 2 - i))
    return w[:i] + "*" * n + w[i + n:]


def repeated(w):
    i = random.randint(0, len(w) - 1)
    return w[:i] + w[i] * random.randint(3, 5) + w[i + 1:]


def mixed_case(w):
    return "".join(c.upper() if random.random() < 0.5 else c for c in w)


def translit(w):
    return "".join(TRANSLIT.get(c, c) for c in w)


def leet(w):
    return w.replace("i", "1").replace("o", "0").replace("s", "$").replace("a", "@")


RU_TRANSFORMS = [lookalike, spaced, dotted, starred, repeated, mixed_case, translit]
EN_TRANSFORMS = [leet, spaced, starred, repeated, mixed_case]

rows = []
for s in CLEAN:
    rows.append(("clean", s))
for s in HARD_CLEAN:
    rows.append(("clean", s))
for label, words in OFFENSIVE_WORDS.items():
    for w in words:
        rows.append((label, random.choice(TEMPLATES_RU).format(w=w)))
        t = random.choice(RU_TRANSFORMS)
        rows.append((label, random.choice(TEMPLATES_RU).format(w=t(w))))
        t2 = random.choice([x for x in RU_TRANSFORMS if x is not t])
        rows.append((label, random.choice(TEMPLATES_RU).format(w=t2(w))))
for label, words in ENGLISH_WORDS.items():
    for w in words:
        rows.append((label, random.choice(TEMPLATES_EN).format(w=w)))
        rows.append((label, random.choice(TEMPLATES_EN).format(w=random.choice(EN_TRANSFORMS)(w))))

with open("ethics.tsv", "w", encoding="utf-8") as f:
    f.write("# label\tsentence — generated by generate.py; labels by hand per source word\n")
    for label, s in rows:
        f.write(f"{label}\t{s}\n")
print(len(rows), "rows")
